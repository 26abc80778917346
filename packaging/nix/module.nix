# NixOS module for Sextant: `services.sextant`, with the options of nixpkgs' `services.qdrant`
# (`enable`, `settings` written as YAML, the same defaults), plus `package`. Import it in a
# configuration:  imports = [ ./packaging/nix/module.nix ];  services.sextant.enable = true;
# The service runs as a dynamic user with its state in /var/lib/sextant and the hardening of the
# services.qdrant unit; the default embedding model ships in the package
# (share/sextant/models), which the binary finds on its own.
# Checked in the test command with `nix-instantiate --parse`.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.services.sextant;
  settingsFormat = pkgs.formats.yaml { };
  configFile = settingsFormat.generate "config.yaml" cfg.settings;
in
{
  options.services.sextant = {
    enable = lib.mkEnableOption "Sextant, a vector database speaking Qdrant's API";

    package = lib.mkOption {
      type = lib.types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = lib.literalExpression "pkgs.callPackage ./package.nix { }";
      description = "The Sextant package to run.";
    };

    settings = lib.mkOption {
      description = ''
        Configuration for Sextant, with the keys of Qdrant's config.yaml
        (<https://github.com/qdrant/qdrant/blob/master/config/config.yaml>).
      '';
      type = settingsFormat.type;
      example = {
        storage = {
          storage_path = "/var/lib/sextant/storage";
          snapshots_path = "/var/lib/sextant/snapshots";
        };
        service = {
          host = "127.0.0.1";
          http_port = 6333;
          grpc_port = 6334;
        };
        telemetry_disabled = true;
      };
      defaultText = lib.literalExpression ''
        {
          storage = {
            storage_path = "/var/lib/sextant/storage";
            snapshots_path = "/var/lib/sextant/snapshots";
          };
          service = {
            host = "127.0.0.1";
            http_port = 6333;
            grpc_port = 6334;
          };
          telemetry_disabled = true;
        }
      '';
    };
  };

  config = lib.mkIf cfg.enable {
    # The defaults of services.qdrant, with the paths under Sextant's state directory. Left out:
    # Qdrant's web UI (service.static_content_dir), which Sextant does not serve, and
    # storage.optimizers.memmap_threshold_kb (null there, i.e. unset), a key Sextant does not read.
    services.sextant.settings = {
      storage.storage_path = lib.mkDefault "/var/lib/sextant/storage";
      storage.snapshots_path = lib.mkDefault "/var/lib/sextant/snapshots";
      storage.on_disk_payload = lib.mkDefault true;
      storage.wal.wal_capacity_mb = lib.mkDefault 32;
      storage.wal.wal_segments_ahead = lib.mkDefault 0;
      storage.performance.max_search_threads = lib.mkDefault 0;
      storage.performance.max_optimization_threads = lib.mkDefault 1;
      storage.optimizers.deleted_threshold = lib.mkDefault 0.2;
      storage.optimizers.vacuum_min_vector_number = lib.mkDefault 1000;
      storage.optimizers.default_segment_number = lib.mkDefault 0;
      storage.optimizers.max_segment_size_kb = lib.mkDefault null;
      storage.optimizers.indexing_threshold_kb = lib.mkDefault 20000;
      storage.optimizers.flush_interval_sec = lib.mkDefault 5;
      storage.optimizers.max_optimization_threads = lib.mkDefault 1;
      storage.hnsw_index.m = lib.mkDefault 16;
      storage.hnsw_index.ef_construct = lib.mkDefault 100;
      storage.hnsw_index.full_scan_threshold_kb = lib.mkDefault 10000;
      storage.hnsw_index.max_indexing_threads = lib.mkDefault 0;
      storage.hnsw_index.on_disk = lib.mkDefault false;
      storage.hnsw_index.payload_m = lib.mkDefault null;
      service.max_request_size_mb = lib.mkDefault 32;
      service.max_workers = lib.mkDefault 0;
      service.http_port = lib.mkDefault 6333;
      service.grpc_port = lib.mkDefault 6334;
      service.enable_cors = lib.mkDefault true;
      cluster.enabled = lib.mkDefault false;
      # Loopback only and no telemetry unless asked for, as services.qdrant.
      service.host = lib.mkDefault "127.0.0.1";
      telemetry_disabled = lib.mkDefault true;
    };

    systemd.services.sextant = {
      description = "Sextant vector database (Qdrant-compatible API)";
      wantedBy = [ "multi-user.target" ];
      after = [ "network.target" ];

      serviceConfig = {
        LimitNOFILE = 65536;
        ExecStart = "${lib.getExe cfg.package} --config-path ${configFile}";
        DynamicUser = true;
        Restart = "on-failure";
        StateDirectory = "sextant";
        WorkingDirectory = "/var/lib/sextant";
        # SIGTERM: in-flight requests finish and storage is closed cleanly.
        TimeoutStopSec = 30;
        CapabilityBoundingSet = "";
        NoNewPrivileges = true;
        PrivateTmp = true;
        ProtectHome = true;
        ProtectClock = true;
        ProtectProc = "noaccess";
        ProcSubset = "pid";
        ProtectKernelLogs = true;
        ProtectKernelModules = true;
        ProtectKernelTunables = true;
        ProtectControlGroups = true;
        ProtectHostname = true;
        RestrictSUIDSGID = true;
        RestrictRealtime = true;
        RestrictNamespaces = true;
        LockPersonality = true;
        RemoveIPC = true;
        SystemCallFilter = [
          "@system-service"
          "~@privileged"
        ];
      };
    };
  };
}
