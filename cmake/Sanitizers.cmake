# Sanitizer builds: -DPTZGRAB_SANITIZE=address,undefined (or thread) instruments every ptzgrab target,
# tests included, through the INTERFACE target ptzgrab_sanitizers, which ptzgrab_warnings carries.
# Findings are fatal (-fno-sanitize-recover), so one finding fails the test that caused it.
set(PTZGRAB_SANITIZE "" CACHE STRING "Sanitizers for every ptzgrab target: address,undefined or thread; empty for none")

add_library(ptzgrab_sanitizers INTERFACE)
if(PTZGRAB_SANITIZE)
  if(PTZGRAB_SANITIZE MATCHES "thread" AND PTZGRAB_SANITIZE MATCHES "address")
    message(FATAL_ERROR "PTZGRAB_SANITIZE: thread and address cannot be combined; use two build folders")
  endif()
  target_compile_options(ptzgrab_sanitizers INTERFACE
    -fsanitize=${PTZGRAB_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(ptzgrab_sanitizers INTERFACE -fsanitize=${PTZGRAB_SANITIZE})
  if(PTZGRAB_SANITIZE MATCHES "thread")
    # GCC warns at every std::atomic_thread_fence (Boost.Asio's) that TSan does not model them.
    target_compile_options(ptzgrab_sanitizers INTERFACE -Wno-tsan)
  endif()
endif()

# Reports from every sanitized process (the test binaries and the `ptzgrab` children they start, whose
# exit status some tests cannot see, e.g. a server stopped with SIGTERM) are written to files here;
# the test sanitizer_reports_none runs after all others and fails if any report exists.
set(PTZGRAB_SANITIZER_REPORTS ${PROJECT_BINARY_DIR}/sanitizer-reports)
set(PTZGRAB_SANITIZER_ENV
  "ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:handle_abort=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:log_path=${PTZGRAB_SANITIZER_REPORTS}/asan"
  "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=${PTZGRAB_SANITIZER_REPORTS}/ubsan"
  "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/sanitizers/lsan.supp"
  "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=${PROJECT_SOURCE_DIR}/tests/sanitizers/tsan.supp:log_path=${PTZGRAB_SANITIZER_REPORTS}/tsan")

# Gives every test of the calling directory the sanitizer options and the report check.
# Call it as `cmake_language(DEFER CALL ptzgrab_sanitize_tests)` at the top of a tests folder's CMakeLists.
function(ptzgrab_sanitize_tests)
  if(NOT PTZGRAB_SANITIZE)
    return()
  endif()
  get_property(tests DIRECTORY PROPERTY TESTS)
  list(REMOVE_ITEM tests sanitizer_reports_clear sanitizer_reports_none)
  if(tests)
    set_property(TEST ${tests} APPEND PROPERTY ENVIRONMENT ${PTZGRAB_SANITIZER_ENV})
    set_property(TEST ${tests} APPEND PROPERTY FIXTURES_REQUIRED sanitizer_reports)
  endif()
endfunction()

# The report folder starts empty and must end empty. Called once, from tests/CMakeLists.txt.
function(ptzgrab_add_sanitizer_report_check)
  if(NOT PTZGRAB_SANITIZE)
    return()
  endif()
  add_test(NAME sanitizer_reports_clear
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${PTZGRAB_SANITIZER_REPORTS})
  add_test(NAME sanitizer_reports_none
    COMMAND ${CMAKE_COMMAND} -DREPORTS=${PTZGRAB_SANITIZER_REPORTS}
            -P ${PROJECT_SOURCE_DIR}/cmake/CheckSanitizerReports.cmake)
  set_tests_properties(sanitizer_reports_clear PROPERTIES FIXTURES_SETUP sanitizer_reports)
  set_tests_properties(sanitizer_reports_none PROPERTIES FIXTURES_CLEANUP sanitizer_reports)
endfunction()
