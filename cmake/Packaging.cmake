# SPDX-License-Identifier: Apache-2.0
# A Debian package of what `cmake --install` installs, built by scripts/package.
set(CPACK_GENERATOR DEB)
# Installing (and so packaging) takes what is built rather than building everything first: the
# package holds two programs, and building the tests and benchmarks for it would take minutes.
# scripts/package builds the two before calling cpack.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(CPACK_PACKAGE_NAME meshdeck)
set(CPACK_PACKAGE_VENDOR "The MeshDeck developers")
set(CPACK_PACKAGE_CONTACT "The MeshDeck developers <meshdeck@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Desktop control center for Kubernetes service meshes")
set(CPACK_PACKAGE_DESCRIPTION
  "MeshDeck shows an Istio service mesh as a live graph, moves traffic between versions and charts
the result per version. It includes meshdeck-democluster, an embedded demo cluster.")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/meshdeck/meshdeck")
set(CPACK_PACKAGE_INSTALL_DIRECTORY meshdeck)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# Library dependencies (Qt, libcurl, yaml-cpp, OpenSSL) are read from the binaries by dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Qt loads its platform plugin (xcb, wayland) at run time: no linked library names it.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins")
# The demo cluster starts a real Prometheus when there is one; it runs without (--prometheus off).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "prometheus")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "kubectl")
# The tests, benchmarks and fuzzers are not part of the package: only what install() names is.
include(CPack)
