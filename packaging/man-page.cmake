# Writes ptzgrab.1 from the built program's own help (cmake -P, run by the ptzgrab_man target):
# help2man reads `ptzgrab --help` for the page, and `ptzgrab SUB --help` for each subcommand's
# part of COMMANDS; packaging/ptzgrab.h2m adds what no --help says (exit status, files, services).
# In: PTZGRAB (the built binary), HELP2MAN, H2M (the static include), WORK_DIR, OUTPUT.

set(commands "snapshot" "info" "serve" "check-config" "ptz" "ptz move" "ptz goto" "ptz home" "ptz center")

function(run_help2man help_option output)
  execute_process(
    COMMAND "${HELP2MAN}" --no-info "--help-option=${help_option}"
            --version-option=--version --output=${output} ${ARGN} "${PTZGRAB}"
    RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "help2man ${help_option} failed: ${err}")
  endif()
endfunction()

# One subcommand's part of COMMANDS: its one-line description, then the body of its OPTIONS
# section (the option list and its own footer), without the program-wide examples and exit
# codes that CLI11 repeats under every subcommand. (String positions, not file(STRINGS):
# help text holds ';' and '[', which CMake lists would split.)
function(section_text page name out_var)
  string(FIND "${page}" "\n.SH ${name}\n" at)
  if(at EQUAL -1)
    set(${out_var} "" PARENT_SCOPE)
    return()
  endif()
  string(LENGTH "\n.SH ${name}\n" skip)
  math(EXPR at "${at} + ${skip}")
  string(SUBSTRING "${page}" ${at} -1 rest)
  string(FIND "${rest}" "\n.SH " end)
  if(NOT end EQUAL -1)
    math(EXPR end "${end} + 1")
    string(SUBSTRING "${rest}" 0 ${end} rest)
  endif()
  set(${out_var} "${rest}" PARENT_SCOPE)
endfunction()

function(command_text command out_var)
  string(REPLACE " " "-" slug "${command}")
  run_help2man("${command} --help" "${WORK_DIR}/${slug}.1")
  file(READ "${WORK_DIR}/${slug}.1" page)
  section_text("${page}" "DESCRIPTION" description)
  section_text("${page}" "OPTIONS" options)
  set(${out_var} ".SS \"ptzgrab ${command}\"\n${description}${options}" PARENT_SCOPE)
endfunction()

file(MAKE_DIRECTORY "${WORK_DIR}")
set(include "[COMMANDS]\n")
foreach(command IN LISTS commands)
  command_text("${command}" text)
  string(APPEND include "${text}")
endforeach()
file(READ "${H2M}" static_include)
string(APPEND include "\n${static_include}")
file(WRITE "${WORK_DIR}/ptzgrab.h2m" "${include}")

run_help2man("--help" "${OUTPUT}" "--include=${WORK_DIR}/ptzgrab.h2m"
             "--name=grab still frames from IP and PTZ camera streams, and serve them")
