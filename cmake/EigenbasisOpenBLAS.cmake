# OpenBLAS/LAPACK from the org.bytedeco openblas presets jar, never the system's.
#
# The Maven build unpacks org.bytedeco:openblas:<version>:linux-x86_64 and passes the folder that holds
# include/ and libopenblas.so.0 as OPENBLAS_ROOT. Defines the imported target eigenbasis::openblas.
if(NOT OPENBLAS_ROOT)
  message(FATAL_ERROR "OPENBLAS_ROOT is not set: point it at the unpacked presets folder "
                      "org/bytedeco/openblas/linux-x86_64 (the Maven build does this)")
endif()
find_path(EB_OPENBLAS_INCLUDE_DIR NAMES cblas.h lapack.h PATHS "${OPENBLAS_ROOT}/include" NO_DEFAULT_PATH)
find_file(EB_OPENBLAS_LIBRARY NAMES libopenblas.so.0 libopenblas.so PATHS "${OPENBLAS_ROOT}" NO_DEFAULT_PATH)
if(NOT EB_OPENBLAS_INCLUDE_DIR OR NOT EB_OPENBLAS_LIBRARY)
  message(FATAL_ERROR "OpenBLAS presets not found under ${OPENBLAS_ROOT} (need include/cblas.h and libopenblas.so.0)")
endif()
add_library(eigenbasis::openblas SHARED IMPORTED)
set_target_properties(eigenbasis::openblas PROPERTIES
  IMPORTED_LOCATION "${EB_OPENBLAS_LIBRARY}"
  IMPORTED_NO_SONAME FALSE
  INTERFACE_INCLUDE_DIRECTORIES "${EB_OPENBLAS_INCLUDE_DIR}")
message(STATUS "eigenbasis: OpenBLAS from presets: ${EB_OPENBLAS_LIBRARY}")

# The JavaCPP glue links with -lopenblas; the presets ship only libopenblas.so.0, so give the linker the
# unversioned name next to our libraries (the recorded dependency stays the soname libopenblas.so.0).
file(CREATE_LINK "${EB_OPENBLAS_LIBRARY}" "${CMAKE_BINARY_DIR}/libopenblas.so" SYMBOLIC)
