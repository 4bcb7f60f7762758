//! The test harness: one private PostgreSQL cluster per test run (unless `DATABASE_URL` is
//! set), a migrated template database, and a fresh database copied from it for every test.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use actix_web::web;
use awc::http::StatusCode;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use sitesync::config::{Config, SecretKey};
use sitesync::db::cluster::Cluster;
use sitesync::db::{migrations, Db, PoolOptions, PooledConn};
use sitesync::orgs::provision::{self, NewOrganization};
use sitesync::orgs::queries::Organization;
use sitesync::AppState;

const TEMPLATE: &str = "sitesync_test_template";

type UrlFor = Box<dyn Fn(&str) -> String + Send + Sync>;

struct Server {
    /// Builds a URL for a database on the test server.
    url_for: UrlFor,
    _cluster: Option<Cluster>,
    pub temp_dir: PathBuf,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn server() -> &'static Server {
    SERVER.get_or_init(|| {
        let temp_dir = std::env::temp_dir().join(format!("sitesync-test-{}", std::process::id()));
        std::fs::create_dir_all(&temp_dir).expect("temp dir");
        let (url_for, cluster): (UrlFor, _) = match std::env::var("DATABASE_URL") {
            Ok(url) => {
                let base = url
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap_or(url);
                (Box::new(move |db: &str| format!("{base}/{db}")), None)
            }
            Err(_) => {
                let cluster = Cluster::start(&temp_dir.join("pg")).expect("start test cluster");
                watch_and_clean_up(&cluster, &temp_dir);
                let socket_url = cluster.url("DBNAME");
                (
                    Box::new(move |db: &str| socket_url.replace("DBNAME", db)),
                    Some(cluster),
                )
            }
        };
        let mut admin = PgConnection::establish(&url_for("postgres")).expect("admin connection");
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {TEMPLATE}"))
            .execute(&mut admin)
            .expect("drop old template");
        diesel::sql_query(format!("CREATE DATABASE {TEMPLATE}"))
            .execute(&mut admin)
            .expect("create template");
        {
            let mut conn =
                PgConnection::establish(&url_for(TEMPLATE)).expect("template connection");
            migrations::run_public(&mut conn).expect("migrate template");
        }
        Server {
            url_for,
            _cluster: cluster,
            temp_dir,
        }
    })
}

/// Stops the test cluster and removes its folder once this test process has exited, even when
/// it panicked: a tiny shell loop outlives us and watches our PID.
fn watch_and_clean_up(cluster: &Cluster, temp_dir: &std::path::Path) {
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
         kill -QUIT $(head -1 '{dir}/postmaster.pid') 2>/dev/null; sleep 1; rm -rf '{tmp}'",
        pid = std::process::id(),
        dir = cluster.dir.display(),
        tmp = temp_dir.display()
    );
    // The watcher outlives this process by design, so it is never waited for.
    #[allow(clippy::zombie_processes)]
    Command::new("sh")
        .args(["-c", &script])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn cleanup watcher");
}

/// A fresh database copied from the migrated template.
pub fn fresh_database() -> String {
    let server = server();
    let name = format!(
        "t_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let mut admin = PgConnection::establish(&(server.url_for)("postgres")).expect("admin");
    diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
        .execute(&mut admin)
        .expect("create test database");
    (server.url_for)(&name)
}

pub fn temp_dir(label: &str) -> PathBuf {
    let dir = server().temp_dir.join(format!(
        "{label}-{}",
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub fn test_config(url: &str, pool_size: u32) -> Config {
    Config {
        database_url: Some(url.to_string()),
        bind: "127.0.0.1:0".into(),
        data_dir: temp_dir("data"),
        secret_key: SecretKey(vec![7u8; 64]),
        pool_size,
        pool_timeout: Duration::from_secs(2),
        pool_max_lifetime: Duration::from_secs(600),
        pool_idle_timeout: Duration::from_secs(600),
        secure_cookies: false,
        session_idle: Duration::from_secs(8 * 3600),
        session_lifetime: Duration::from_secs(14 * 24 * 3600),
        trusted_proxies: vec!["127.0.0.1".parse().expect("ip")],
    }
}

pub struct TestApp {
    pub db: Db,
    pub url: String,
    pub server: actix_test::TestServer,
}

pub struct Page {
    pub status: StatusCode,
    pub headers: awc::http::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_pool_size(4).await
    }

    pub async fn with_pool_size(pool_size: u32) -> TestApp {
        let url = fresh_database();
        let config = test_config(&url, pool_size);
        let db =
            Db::connect(&url, PoolOptions::from_config(&config, "sitesync test")).expect("pool");
        let state = web::Data::new(AppState {
            db: db.clone(),
            config: Arc::new(config),
        });
        let server = actix_test::start(move || sitesync::app(state.clone()));
        TestApp { db, url, server }
    }

    pub fn conn(&self) -> PooledConn {
        self.db.get().expect("connection")
    }

    pub fn create_org(&self, slug: &str, name: &str) -> Organization {
        provision::create(
            &mut self.conn(),
            &NewOrganization {
                name,
                slug,
                organization_type: "service_company",
            },
        )
        .expect("create organization")
    }

    pub async fn get(&self, path: &str) -> Page {
        self.request(self.server.get(path)).await
    }

    pub async fn get_htmx(&self, path: &str) -> Page {
        self.request(self.server.get(path).insert_header(("HX-Request", "true")))
            .await
    }

    pub async fn request(&self, req: awc::ClientRequest) -> Page {
        let mut res = req.send().await.expect("request");
        let body = res.body().limit(16 * 1024 * 1024).await.expect("body");
        Page {
            status: res.status(),
            headers: res.headers().clone(),
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// `count(*)` of any query, for asserting on rows.
    pub fn count(&self, sql: &str) -> i64 {
        count(&mut self.conn(), sql)
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

pub fn count(conn: &mut PgConnection, sql: &str) -> i64 {
    diesel::sql_query(format!("SELECT count(*) AS n FROM ({sql}) AS q"))
        .get_result::<Count>(conn)
        .unwrap_or_else(|e| panic!("count query failed: {e}: {sql}"))
        .n
}

#[derive(QueryableByName)]
pub struct One {
    #[diesel(sql_type = Text)]
    pub value: String,
}

pub fn text(conn: &mut PgConnection, sql: &str) -> String {
    diesel::sql_query(sql)
        .get_result::<One>(conn)
        .unwrap_or_else(|e| panic!("query failed: {e}: {sql}"))
        .value
}
