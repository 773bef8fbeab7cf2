# cmake -DREPO=<repo> -DWORK=<scratch dir> -P tests/install/sim-build-systems.cmake
#
# Runs the repository's ESP-IDF and Zephyr CMake entry points against stub
# versions of the build-system functions they call (no ESP-IDF or Zephyr on
# this machine), and checks the calls: syntax errors, a wrong path or a
# missing call fail here instead of in a user's build. Prints one line per
# check; exits non-zero on the first failure.
cmake_minimum_required(VERSION 3.10)
if(NOT WORK)
    set(WORK "${CMAKE_CURRENT_BINARY_DIR}")
endif()
file(MAKE_DIRECTORY "${WORK}")

set(CALLS "")
macro(record)
    string(REPLACE ";" " " _args "${ARGN}")
    list(APPEND CALLS "${_args}")
endmacro()
function(expect what pattern)
    string(REPLACE ";" "|" _all "${CALLS}")
    if(NOT _all MATCHES "${pattern}")
        message(FATAL_ERROR "FAIL ${what}: calls were: ${_all}")
    endif()
    message(STATUS "ok   ${what}")
endfunction()

# ---- ESP-IDF: the top-level CMakeLists.txt as a component -----------------
macro(idf_component_register)
    record(idf_component_register ${ARGN})
endmacro()
macro(project)
    record(project ${ARGN})
endmacro()
set(ESP_PLATFORM 1)
function(run_idf)
    include("${REPO}/CMakeLists.txt")
    set(CALLS "${CALLS}" PARENT_SCOPE)
    set(HEARTBEAT_VERSION "${HEARTBEAT_VERSION}" PARENT_SCOPE)
endfunction()
run_idf()
expect("ESP-IDF: registers the repository root as include dir"
       "idf_component_register INCLUDE_DIRS \\.")
string(REPLACE ";" "|" _all "${CALLS}")
if(_all MATCHES "project")
    message(FATAL_ERROR "FAIL ESP-IDF: a component must not call project()")
endif()
message(STATUS "ok   ESP-IDF: no project() call in component mode")
if(NOT HEARTBEAT_VERSION MATCHES "^[0-9]+\\.[0-9]+\\.[0-9]+$")
    message(FATAL_ERROR "FAIL version from heartbeat.h: '${HEARTBEAT_VERSION}'")
endif()
message(STATUS "ok   CMakeLists.txt reads version ${HEARTBEAT_VERSION} from heartbeat.h")

# ---- Zephyr: zephyr/CMakeLists.txt ----------------------------------------
foreach(fn zephyr_include_directories zephyr_library zephyr_library_sources
           zephyr_compile_definitions zephyr_library_link_libraries)
    # a macro per stub, each recording its own name
    file(WRITE "${WORK}/hb-stub-${fn}.cmake"
         "macro(${fn})\n  record(${fn} \${ARGN})\nendmacro()\n")
    include("${WORK}/hb-stub-${fn}.cmake")
    file(REMOVE "${WORK}/hb-stub-${fn}.cmake")
endforeach()

function(run_zephyr)
    include("${REPO}/zephyr/CMakeLists.txt")
    set(CALLS "${CALLS}" PARENT_SCOPE)
endfunction()

set(CALLS "")
unset(CONFIG_HEARTBEAT)
run_zephyr()
if(NOT CALLS STREQUAL "")
    message(FATAL_ERROR "FAIL Zephyr: CONFIG_HEARTBEAT unset still calls: ${CALLS}")
endif()
message(STATUS "ok   Zephyr: nothing happens without CONFIG_HEARTBEAT")

set(CALLS "")
set(CONFIG_HEARTBEAT y)
set(CONFIG_HEARTBEAT_IMPLEMENTATION y)
run_zephyr()
expect("Zephyr: the repository root is on the include path"
       "zephyr_include_directories [^|]*zephyr/\\.\\.")
expect("Zephyr: the implementation is compiled into the module library"
       "zephyr_library\\|zephyr_library_sources heartbeat\\.c")
string(REPLACE ";" "|" _all "${CALLS}")
if(_all MATCHES "HEARTBEAT_MBEDTLS")
    message(FATAL_ERROR "FAIL Zephyr: HEARTBEAT_MBEDTLS without CONFIG_HEARTBEAT_MBEDTLS")
endif()
message(STATUS "ok   Zephyr: no HEARTBEAT_MBEDTLS unless configured")

set(CALLS "")
set(CONFIG_HEARTBEAT_MBEDTLS y)
run_zephyr()
expect("Zephyr: CONFIG_HEARTBEAT_MBEDTLS defines HEARTBEAT_MBEDTLS everywhere"
       "zephyr_compile_definitions HEARTBEAT_MBEDTLS")
expect("Zephyr: CONFIG_HEARTBEAT_MBEDTLS links mbedTLS"
       "zephyr_library_link_libraries mbedTLS")
