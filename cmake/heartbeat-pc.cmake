# Writes heartbeat.pc at install time, when the prefix is known (it may be
# given only then: `cmake --install build --prefix DIR`). Called from the
# install(CODE) rule in CMakeLists.txt with HB_PC_IN, HB_PC_OUT,
# HB_PC_INCLUDEDIR and HB_VERSION set.
file(READ "${HB_PC_IN}" _hb_pc)
string(REPLACE "@HEARTBEAT_PC_PREFIX@" "${CMAKE_INSTALL_PREFIX}" _hb_pc "${_hb_pc}")
string(REPLACE "@HEARTBEAT_PC_INCLUDEDIR@" "${HB_PC_INCLUDEDIR}" _hb_pc "${_hb_pc}")
string(REPLACE "@HEARTBEAT_VERSION@" "${HB_VERSION}" _hb_pc "${_hb_pc}")
file(WRITE "${HB_PC_OUT}" "${_hb_pc}")
