# st_library(NAME SOURCES ... DEPS ...): one module = include/stocktracker/<m>/
# (public) + src/ (private). The C library a module wraps is a PRIVATE
# dependency, so its headers never leak to the module's users.
function(st_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(st_${name} STATIC ${ARG_SOURCES})
  add_library(st::${name} ALIAS st_${name})
  target_include_directories(st_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(st_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# st_test(NAME SOURCES ... DEPS ... [LABEL unit|itest]): a GoogleTest binary
# registered with ctest under a label (unit tests need nothing; itest needs
# the real servers started by scripts/services.sh).
function(st_test name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  if(NOT ST_BUILD_TESTS)
    return()
  endif()
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  add_test(NAME ${name} COMMAND ${name})
  if(ARG_LABEL STREQUAL "unit")
    add_dependencies(unit_tests ${name})
  endif()
  set_tests_properties(${name} PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "ST_SOURCE_DIR=${PROJECT_SOURCE_DIR};ST_BINARY_DIR=${PROJECT_BINARY_DIR}")
endfunction()
