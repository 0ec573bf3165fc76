# Runs inside `cmake --install` (install(SCRIPT), after packaging/CMakeLists.txt set the PTZGRAB_*
# paths): fills the systemd units with the prefix being installed to, then installs them.
cmake_path(ABSOLUTE_PATH PTZGRAB_BINDIR BASE_DIRECTORY "${CMAKE_INSTALL_PREFIX}"
           OUTPUT_VARIABLE CMAKE_INSTALL_FULL_BINDIR)
cmake_path(ABSOLUTE_PATH PTZGRAB_UNIT_DIR BASE_DIRECTORY "${CMAKE_INSTALL_PREFIX}"
           OUTPUT_VARIABLE unit_dir)

foreach(unit ptzgrab.service ptzgrab-snapshot@.service)
  configure_file("${PTZGRAB_UNIT_SOURCE_DIR}/${unit}.in" "${PTZGRAB_UNIT_STAGE_DIR}/${unit}" @ONLY)
endforeach()
# file(INSTALL) honours DESTDIR and records the files in install_manifest.txt.
file(INSTALL
     "${PTZGRAB_UNIT_STAGE_DIR}/ptzgrab.service"
     "${PTZGRAB_UNIT_STAGE_DIR}/ptzgrab-snapshot@.service"
     "${PTZGRAB_UNIT_SOURCE_DIR}/ptzgrab-snapshot@.timer"
     DESTINATION "${unit_dir}"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
