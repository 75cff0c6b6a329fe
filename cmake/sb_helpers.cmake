# sb_add_test(NAME SOURCES... [LIBS libs...]): a doctest binary registered with ctest.
function(sb_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE sb_test_support ${ARG_LIBS})
  add_test(NAME ${name} COMMAND ${name})
endfunction()
