//! Starting the private cluster on a machine as an operator finds it: as root with the data
//! under a private home, beside several PostgreSQL versions, after a package upgrade.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use sitesync::db::cluster::{Binaries, Cluster, ClusterError, RELOCATED_ROOT};

use crate::harness;

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn fake_install(root: &Path, major: u32, version: &str) {
    let bin = root.join(major.to_string()).join("bin");
    std::fs::create_dir_all(&bin).expect("bin folder");
    for tool in ["initdb", "pg_ctl"] {
        std::fs::write(bin.join(tool), "#!/bin/sh\nexit 1\n").expect("tool");
    }
    let postgres = bin.join("postgres");
    std::fs::write(
        &postgres,
        format!("#!/bin/sh\necho 'postgres (PostgreSQL) {version}'\n"),
    )
    .expect("postgres");
    for tool in ["initdb", "pg_ctl", "postgres"] {
        std::fs::set_permissions(bin.join(tool), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
    }
}

#[test]
fn a_cluster_opens_only_with_the_major_version_that_made_it() {
    let root = harness::temp_dir("pg-versions");
    fake_install(&root, 15, "15.9");
    fake_install(&root, 16, "16.2 (Debian 16.2-1)");

    let newest = Binaries::discover_in(Some("".into()), &root, None).expect("newest");
    assert_eq!(newest.major, 16, "a new cluster takes the newest");
    let fifteen = Binaries::discover_in(Some("".into()), &root, Some(15)).expect("fifteen");
    assert_eq!(fifteen.major, 15);
    assert_eq!(fifteen.dir, root.join("15/bin"));

    let missing =
        Binaries::discover_in(Some("".into()), &root, Some(14)).expect_err("no PostgreSQL 14 here");
    assert!(matches!(
        missing,
        ClusterError::WrongMajorVersion { major: 14, .. }
    ));
    let message = missing.to_string();
    assert!(
        message.contains("apt-get install postgresql-14"),
        "{message}"
    );
    assert!(message.contains("installed: 15, 16"), "{message}");
}

/// A copy of the real server programs that the test may replace, as a package upgrade would.
fn private_install(root: &Path) -> Binaries {
    let real = Binaries::discover().expect("PostgreSQL installed");
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    for tool in ["initdb", "pg_ctl", "postgres"] {
        std::fs::copy(real.tool(tool), bin.join(tool)).expect("copy");
    }
    // The programs find their libraries beside their own folder.
    let real_lib = real.dir.parent().expect("install root").join("lib");
    std::os::unix::fs::symlink(real_lib, root.join("lib")).expect("lib link");
    Binaries {
        dir: bin,
        major: real.major,
    }
}

#[test]
fn a_server_whose_programs_were_replaced_is_restarted_by_the_next_start() {
    let root = harness::temp_dir("pg-upgrade");
    let bins = private_install(&root);
    let data = root.join("pg");
    let cluster = Cluster::start_with(&data, Some(bins.clone())).expect("first start");
    let before = cluster.postmaster_pid().expect("running");

    // The package manager unlinks the old program and writes the new one.
    let postgres = bins.tool("postgres");
    let copy = root.join("postgres.new");
    std::fs::copy(&postgres, &copy).expect("copy");
    std::fs::remove_file(&postgres).expect("unlink");
    std::fs::rename(&copy, &postgres).expect("replace");
    let exe = std::fs::read_link(format!("/proc/{before}/exe")).expect("exe");
    assert!(exe.to_string_lossy().ends_with("(deleted)"), "{exe:?}");

    let cluster = Cluster::start_with(&data, Some(bins)).expect("second start");
    let after = cluster.postmaster_pid().expect("running again");
    assert_ne!(before, after, "the server was restarted");
    let exe = std::fs::read_link(format!("/proc/{after}/exe")).expect("exe");
    assert!(!exe.to_string_lossy().ends_with("(deleted)"), "{exe:?}");
    let conn = <diesel::PgConnection as diesel::Connection>::establish(&cluster.url("postgres"));
    assert!(conn.is_ok(), "the restarted server answers");
    drop(conn);
    cluster.stop().expect("stop");
}

#[test]
fn as_root_a_data_dir_the_server_cannot_reach_is_kept_where_it_can() {
    if !is_root() {
        return; // Without root the server runs as this user, who reaches their own folders.
    }
    let private = harness::temp_dir("private-home");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let requested = private.join("data").join("pg");

    let cluster = Cluster::start(&requested).expect("starts anyway");
    assert!(cluster.dir.starts_with(RELOCATED_ROOT), "{:?}", cluster.dir);
    let note = std::fs::read_to_string(requested.join("WHERE-IS-THE-DATABASE.txt"))
        .expect("a note says where the database is");
    assert!(note.contains(&cluster.dir.display().to_string()), "{note}");
    assert!(note.contains(&private.display().to_string()), "{note}");
    cluster.stop().expect("stop");

    // The next start finds the same cluster.
    let again = Cluster::start(&requested).expect("second start");
    assert_eq!(again.dir, cluster.dir);
    again.stop().expect("stop");
    std::fs::remove_dir_all(&again.dir).expect("clean up");

    // A cluster already made in a folder that became unreachable is named, with the fixes.
    let other = harness::temp_dir("private-home").join("pg");
    std::fs::create_dir_all(&other).expect("dir");
    std::fs::write(other.join("PG_VERSION"), "15\n").expect("PG_VERSION");
    let locked = other.parent().expect("parent").to_path_buf();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let error = Cluster::start(&other).expect_err("cannot use it");
    let message = error.to_string();
    assert!(message.contains(&locked.display().to_string()), "{message}");
    assert!(message.contains("chmod o+x"), "{message}");
    assert!(message.contains("SITESYNC_DATA_DIR"), "{message}");
}

/// `--help` lists every setting SiteSync reads, with its default.
#[test]
fn help_lists_every_setting_with_its_default() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut read = Vec::new();
    for file in [
        "src/config.rs",
        "src/cli/mod.rs",
        "src/cli/seed.rs",
        "src/cli/serve.rs",
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        for (at, _) in text.match_indices("\"SITESYNC_") {
            let name: String = text[at + 1..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                .collect();
            read.push(name);
        }
    }
    read.sort();
    read.dedup();
    assert!(read.len() > 15, "{read:?}");
    let listed: Vec<&str> = sitesync::settings::SETTINGS
        .iter()
        .map(|s| s.name)
        .collect();
    let missing: Vec<&String> = read
        .iter()
        .filter(|n| !listed.contains(&n.as_str()))
        .collect();
    assert!(missing.is_empty(), "not in settings::SETTINGS: {missing:?}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sitesync"))
        .arg("--help")
        .output()
        .expect("run --help");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for setting in sitesync::settings::SETTINGS {
        assert!(help.contains(setting.name), "--help lacks {}", setting.name);
        assert!(
            help.contains(setting.default),
            "--help lacks {}'s default",
            setting.name
        );
    }
    assert!(
        help.contains("SITESYNC_DATA_DIR") && help.contains("./var"),
        "{help}"
    );
}
