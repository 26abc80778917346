# Install rules and the Debian package (CPack DEB generator) for Sextant.
#   cmake --install build --prefix /usr         installs the same layout as the package
#   (cd build && cpack -G DEB)                   -> build/sextant_<version>_amd64.deb
# Layout: /usr/bin/sextant; /etc/sextant/config.yaml (a conffile); the default embedding model in
# /usr/share/sextant/models/all-MiniLM-L6-v2, which the binary finds through its own path
# (../share/sextant/models); the unit sextant.service and its sysusers.d entry under /usr/lib;
# the docs under /usr/share/doc/sextant. The maintainer scripts in packaging/debian/ make the
# service user, enable and start the unit, and on purge remove config, state and user.
# The model is taken from models/all-MiniLM-L6-v2 in the checkout (scripts/fetch-model.sh); a
# package built without it is refused (SEXTANT_INSTALL_MODEL=OFF leaves the model out).
include(GNUInstallDirs)

option(SEXTANT_INSTALL_MODEL "Install the default embedding model with the binary" ON)
set(SEXTANT_MODEL_SOURCE_DIR ${PROJECT_SOURCE_DIR}/models/all-MiniLM-L6-v2
    CACHE PATH "The default embedding model installed with Sextant")

install(TARGETS sextant RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Absolute, as the package lays it out (/etc, not <prefix>/etc).
set(SEXTANT_CONFIG_INSTALL_DIR /etc/sextant CACHE PATH "Where config.yaml is installed")
install(FILES ${PROJECT_SOURCE_DIR}/packaging/debian/config.yaml
        DESTINATION ${SEXTANT_CONFIG_INSTALL_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/packaging/systemd/sextant.service
        DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/systemd/sextant.sysusers
        DESTINATION lib/sysusers.d RENAME sextant.conf)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/deploy.md
              ${PROJECT_SOURCE_DIR}/docs/configuration.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The model directory is checked when installing, not when configuring: the test command fetches
# it after the first configure.
if(SEXTANT_INSTALL_MODEL)
  install(CODE "
    if(NOT EXISTS \"${SEXTANT_MODEL_SOURCE_DIR}/config.json\")
      message(FATAL_ERROR \"No embedding model at ${SEXTANT_MODEL_SOURCE_DIR}: run scripts/fetch-model.sh\")
    endif()")
  install(DIRECTORY ${SEXTANT_MODEL_SOURCE_DIR}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/sextant/models
          FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
          DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                WORLD_READ WORLD_EXECUTE
          OPTIONAL)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sextant)
set(CPACK_PACKAGE_VENDOR "Sextant")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Vector database server speaking Qdrant's REST and gRPC API")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# The model's weights barely compress; gzip packs them several times faster than xz.
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # sextant_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "Sextant maintainers <sextant@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Sextant is a drop-in replacement for the Qdrant 1.19 server: the same routes, RPCs,\n\
configuration keys and environment variables, with LMDB storage, an HNSW index and a\n\
built-in sentence-embedding model (all-MiniLM-L6-v2). Runs as sextant.service.")
# Depends: the shared libraries the binary links against, found by dpkg-shlibdeps; useradd
# (passwd) for the service user where systemd-sysusers is absent.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "passwd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
