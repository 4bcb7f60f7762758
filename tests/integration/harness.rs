//! The test harness: one private PostgreSQL cluster per test run (unless `DATABASE_URL` is
//! set), a migrated template database, and a fresh database copied from it for every test.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use actix_web::web;
use awc::http::StatusCode;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use sitesync::config::{Config, SecretKey};
use sitesync::db::cluster::Cluster;
use sitesync::db::{Db, PoolOptions, PooledConn};
use sitesync::orgs::provision::{self, NewOrganization};
use sitesync::orgs::queries::Organization;
use sitesync::AppState;

const TEMPLATE: &str = "sitesync_test_template";

type UrlFor = Box<dyn Fn(&str) -> String + Send + Sync>;

struct Server {
    /// Builds a URL for a database on the test server.
    url_for: UrlFor,
    /// The private cluster, when the tests started one (kept running, and read for its log).
    cluster: Option<Cluster>,
    pub temp_dir: PathBuf,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn server() -> &'static Server {
    SERVER.get_or_init(|| {
        // `RUST_LOG=error cargo test …` shows the app's logs (internal errors) next to a failure.
        if std::env::var_os("RUST_LOG").is_some() {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
                .with_test_writer()
                .try_init();
        }
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
        let mut admin = connect(&url_for("postgres"), cluster.as_ref());
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {TEMPLATE}"))
            .execute(&mut admin)
            .expect("drop old template");
        diesel::sql_query(format!("CREATE DATABASE {TEMPLATE}"))
            .execute(&mut admin)
            .expect("create template");
        {
            let mut conn = connect(&url_for(TEMPLATE), cluster.as_ref());
            sitesync::orgs::migrate::platform(&mut conn).expect("migrate template");
        }
        Server {
            url_for,
            cluster,
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

/// A connection to the test server. A server restarting after one of its processes died is
/// waited for (other tests may still pass); when it stays away, the panic shows the end of its
/// log, which says why it went down.
fn connect(url: &str, cluster: Option<&Cluster>) -> PgConnection {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        match PgConnection::establish(url) {
            Ok(conn) => return conn,
            Err(e) => {
                let message = e.to_string();
                let restarting =
                    message.contains("recovery mode") || message.contains("starting up");
                if !restarting || std::time::Instant::now() > deadline {
                    let log = cluster.map(Cluster::log_tail).unwrap_or_default();
                    panic!("connecting to the test server: {message}{log}");
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }
}

/// A fresh database copied from the migrated template.
pub fn fresh_database() -> String {
    let server = server();
    let name = format!(
        "t_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let mut admin = connect(&(server.url_for)("postgres"), server.cluster.as_ref());
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
        public_url: Some("https://sitesync.test".into()),
        data_dir: temp_dir("data"),
        secret_key: SecretKey(vec![7u8; 64]),
        pool_size,
        pool_timeout: Duration::from_secs(2),
        pool_max_lifetime: Duration::from_secs(600),
        pool_idle_timeout: Duration::from_secs(600),
        pool_schemas_per_connection: 100,
        statement_timeout: Duration::from_secs(30),
        secure_cookies: false,
        session_idle: Duration::from_secs(8 * 3600),
        session_lifetime: Duration::from_secs(14 * 24 * 3600),
        trusted_proxies: vec!["127.0.0.1".parse().expect("ip")],
        platform_fee_percent: 5.into(),
        smtp_url: None,
        mail_from: "SiteSync <no-reply@sitesync.test>".parse().expect("sender"),
        // As in production; the webhook tests that deliver to a loopback listener turn it on.
        webhook_allow_private: false,
        metrics_bind: None,
        log_format: sitesync::config::LogFormat::Text,
    }
}

pub struct TestApp {
    pub db: Db,
    pub url: String,
    pub server: actix_test::TestServer,
    /// A client that shows redirects instead of following them, as tests assert on them.
    pub client: awc::Client,
    pub config: std::sync::Arc<Config>,
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
        Self::build(pool_size, false, |_| ()).await
    }

    /// An app serving the benchmark-only routes too (`sitesync --bench-routes`).
    pub async fn with_bench_routes() -> TestApp {
        Self::build(4, true, |_| ()).await
    }

    /// An app whose configuration `adjust` changed from the tests' default.
    pub async fn with_config(pool_size: u32, adjust: impl FnOnce(&mut Config)) -> TestApp {
        Self::build(pool_size, false, adjust).await
    }

    /// An app on a database the test made itself (a restored one, say).
    pub async fn on_database(url: &str) -> TestApp {
        Self::serve(url.to_string(), 4, false, |_| ()).await
    }

    /// A second app server on this one's database, as two servers behind a load balancer.
    pub async fn beside(&self) -> TestApp {
        Self::serve(self.url.clone(), 4, false, |_| ()).await
    }

    async fn build(
        pool_size: u32,
        bench_routes: bool,
        adjust: impl FnOnce(&mut Config),
    ) -> TestApp {
        Self::serve(fresh_database(), pool_size, bench_routes, adjust).await
    }

    async fn serve(
        url: String,
        pool_size: u32,
        bench_routes: bool,
        adjust: impl FnOnce(&mut Config),
    ) -> TestApp {
        let mut config = test_config(&url, pool_size);
        adjust(&mut config);
        let db =
            Db::connect(&url, PoolOptions::from_config(&config, "sitesync test")).expect("pool");
        let mut state = AppState::new(db.clone(), config);
        let config = state.config.clone();
        if bench_routes {
            state = state.with_bench_routes();
        }
        let state = web::Data::new(state);
        let server = actix_test::start(move || sitesync::app(state.clone()));
        let client = awc::Client::builder()
            .disable_redirects()
            .timeout(Duration::from_secs(60))
            .finish();
        TestApp {
            db,
            url,
            server,
            client,
            config,
        }
    }

    /// A background worker with this app's configuration, as `sitesync serve` starts one.
    pub fn worker(&self) -> sitesync::background::Worker {
        sitesync::background::Worker::new(self.config.clone())
    }

    pub fn conn(&self) -> PooledConn {
        self.db.get().expect("connection")
    }

    pub fn create_org(&self, slug: &str, name: &str) -> Organization {
        create_org(&self.db, slug, name)
    }

    pub fn get_request(&self, path: &str) -> awc::ClientRequest {
        self.client.get(self.server.url(path))
    }

    pub fn post_request(&self, path: &str) -> awc::ClientRequest {
        self.client.post(self.server.url(path))
    }

    pub async fn get(&self, path: &str) -> Page {
        self.request(self.get_request(path)).await
    }

    pub async fn get_htmx(&self, path: &str) -> Page {
        self.request(self.get_request(path).insert_header(("HX-Request", "true")))
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

    /// Runs SQL as the test's superuser, to change what the app will find next.
    pub fn execute(&self, sql: &str) {
        use diesel::connection::SimpleConnection;
        self.conn()
            .batch_execute(sql)
            .unwrap_or_else(|e| panic!("{e}: {sql}"));
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

/// A person using the app: keeps cookies and the latest CSRF token between requests.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    cookies: std::cell::RefCell<std::collections::BTreeMap<String, String>>,
    csrf: std::cell::RefCell<Option<String>>,
}

fn find_csrf(body: &str) -> Option<String> {
    for marker in ["name=\"csrf_token\" value=\"", "\"X-CSRF-Token\": \""] {
        if let Some(start) = body.find(marker) {
            let rest = &body[start + marker.len()..];
            return rest.find('"').map(|end| rest[..end].to_string());
        }
    }
    None
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Browser<'a> {
        Browser {
            app,
            cookies: Default::default(),
            csrf: Default::default(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .borrow()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn session_cookie(&self) -> Option<String> {
        self.cookies.borrow().get("sitesync").cloned()
    }

    /// Replaces the cookie jar (to replay an old session cookie).
    pub fn set_session_cookie(&self, value: &str) {
        self.cookies
            .borrow_mut()
            .insert("sitesync".into(), value.to_string());
    }

    pub fn csrf(&self) -> String {
        self.csrf.borrow().clone().unwrap_or_default()
    }

    async fn send(&self, req: awc::ClientRequest, body: Option<String>) -> Page {
        let mut req = req;
        let cookies = self.cookie_header();
        if !cookies.is_empty() {
            req = req.insert_header(("Cookie", cookies));
        }
        let mut res = match body {
            Some(body) => req
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .send_body(body)
                .await
                .expect("request"),
            None => req.send().await.expect("request"),
        };
        for cookie in res.cookies().expect("cookies").iter() {
            let expired = cookie
                .max_age()
                .is_some_and(|age| age.is_zero() || age.is_negative());
            if expired || cookie.value().is_empty() {
                self.cookies.borrow_mut().remove(cookie.name());
            } else {
                self.cookies
                    .borrow_mut()
                    .insert(cookie.name().to_string(), cookie.value().to_string());
            }
        }
        let body = res.body().limit(16 * 1024 * 1024).await.expect("body");
        let page = Page {
            status: res.status(),
            headers: res.headers().clone(),
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        if let Some(token) = find_csrf(&page.body) {
            *self.csrf.borrow_mut() = Some(token);
        }
        page
    }

    pub async fn get(&self, path: &str) -> Page {
        self.send(self.app.get_request(path), None).await
    }

    pub async fn get_htmx(&self, path: &str) -> Page {
        self.send(
            self.app
                .get_request(path)
                .insert_header(("HX-Request", "true")),
            None,
        )
        .await
    }

    /// Posts a form with this session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        if self.csrf.borrow().is_none() {
            self.get("/signin").await;
        }
        let token = self.csrf();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.post_raw(path, &all).await
    }

    /// Posts a form with this session's CSRF token and one extra header (a forwarded client
    /// address, say).
    pub async fn post_with_header(
        &self,
        path: &str,
        header: (&str, &str),
        fields: &[(&str, &str)],
    ) -> Page {
        let token = self.csrf();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        let body = serde_urlencoded::to_string(&all).expect("form");
        self.send(
            self.app.post_request(path).insert_header(header),
            Some(body),
        )
        .await
    }

    /// Posts a form exactly as given (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = serde_urlencoded::to_string(fields).expect("form");
        self.send(self.app.post_request(path), Some(body)).await
    }

    /// Posts as htmx does: the token in the `X-CSRF-Token` header.
    pub async fn post_htmx(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = serde_urlencoded::to_string(fields).expect("form");
        let req = self
            .app
            .post_request(path)
            .insert_header(("HX-Request", "true"))
            .insert_header(("X-CSRF-Token", self.csrf()));
        self.send(req, Some(body)).await
    }

    /// Uploads one file as `multipart/form-data`, with the CSRF token in the query string.
    pub async fn upload(&self, path: &str, field: &str, filename: &str, bytes: &[u8]) -> Page {
        self.post_multipart(path, &[], &[(field, filename, bytes)])
            .await
    }

    /// Sends a form as a browser does when it has a file input: `multipart/form-data`, text
    /// `fields` and `files` as (field, file name, bytes), the CSRF token in the query string.
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Page {
        let boundary = "----sitesync-test-boundary";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (field, filename, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let separator = if path.contains('?') { '&' } else { '?' };
        let url = format!("{path}{separator}csrf_token={}", self.csrf());
        let mut req = self.app.post_request(&url).insert_header((
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        ));
        let cookies = self.cookie_header();
        if !cookies.is_empty() {
            req = req.insert_header(("Cookie", cookies));
        }
        let mut res = req.send_body(body).await.expect("upload");
        let body = res.body().limit(16 * 1024 * 1024).await.expect("body");
        Page {
            status: res.status(),
            headers: res.headers().clone(),
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// Signs out as the header's button does (with the current session's token).
    pub async fn sign_out(&self) -> Page {
        self.get("/account").await;
        let page = self.post("/signout", &[]).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "sign-out: {}",
            page.body
        );
        page
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        self.get("/signin").await;
        self.post("/signin", &[("email", email), ("password", password)])
            .await
    }
}

pub const PASSWORD: &str = "lift shaft pulley orange";

impl TestApp {
    /// An account with the test password; returns its id.
    pub fn create_account(&self, email: &str) -> uuid::Uuid {
        use sitesync::auth::accounts::{self, AccountInsertForm};
        let hash = sitesync::auth::password::hash(PASSWORD).expect("hash");
        accounts::insert(
            &mut self.conn(),
            &AccountInsertForm {
                email,
                password_hash: &hash,
                first_name: "Test",
                last_name: email.split('@').next().unwrap_or("Person"),
                display_name: &format!("Test {}", email.split('@').next().unwrap_or("")),
                timezone: "Australia/Sydney",
                email_verified_at: Some(chrono::Utc::now()),
            },
        )
        .expect("account")
        .id
    }

    pub fn add_member(
        &self,
        slug: &str,
        account_id: uuid::Uuid,
        role: sitesync::auth::roles::Role,
    ) {
        let mut conn = self.conn();
        let org = sitesync::orgs::queries::find_by_slug(&mut conn, slug)
            .expect("org")
            .expect("org exists");
        sitesync::members::queries::upsert(&mut conn, account_id, org.id, role).expect("member");
    }

    /// A signed-in browser for a new account with `role` in the organization `slug`.
    pub async fn member(&self, slug: &str, role: sitesync::auth::roles::Role) -> Browser<'_> {
        let email = format!(
            "{}-{}@example.com",
            role.as_str(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let id = self.create_account(&email);
        self.add_member(slug, id, role);
        let browser = Browser::new(self);
        let page = browser.sign_in(&email, PASSWORD).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "sign-in of {email}: {}",
            page.body
        );
        browser
    }
}

/// Runs `work` inside the organization `slug`, through the one door as a page would.
pub fn in_org<T, E>(
    conn: &mut PooledConn,
    slug: &str,
    work: impl FnOnce(&mut PgConnection, &sitesync::orgs::OrgHandle) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<sitesync::orgs::TenancyError> + From<diesel::result::Error>,
{
    let org = sitesync::orgs::queries::find_by_slug(conn, slug)?
        .ok_or(sitesync::orgs::TenancyError::NotFound)?
        .handle();
    sitesync::orgs::enter(conn, &org, |conn| work(conn, &org))
}

/// Provisions an organization as `sitesync org create` does.
pub fn create_org(db: &Db, slug: &str, name: &str) -> Organization {
    provision::create(
        &mut db.get().expect("connection"),
        &NewOrganization {
            name,
            slug,
            organization_type: "service_company",
        },
    )
    .expect("create organization")
}

impl TestApp {
    /// A signed-in browser for a building occupant of `slug`: a tenants row (at a site of its
    /// own) and a `tenant` membership tied to it, as accepting a portal invitation leaves them.
    pub async fn tenant_member(&self, slug: &str) -> Browser<'_> {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let email = format!("tenant-{n}@example.com");
        let account = self.create_account(&email);
        let org = sitesync::orgs::queries::find_by_slug(&mut self.conn(), slug)
            .expect("org")
            .expect("org exists");
        let schema = &org.schema_name;
        let tenant: uuid::Uuid = text(
            &mut self.conn(),
            &format!(
                "WITH site AS (INSERT INTO {schema}.sites (name) VALUES ('Tenant site {n}') RETURNING id) \
                 INSERT INTO {schema}.tenants (site_id, name, portal_account_id) \
                 SELECT id, 'Tenant {n}', '{account}' FROM site RETURNING id::text AS value"
            ),
        )
        .parse()
        .expect("tenant id");
        sitesync::members::queries::upsert_with_tenant(
            &mut self.conn(),
            account,
            org.id,
            sitesync::auth::roles::Role::Tenant,
            Some(tenant),
        )
        .expect("tenant membership");
        let browser = Browser::new(self);
        let page = browser.sign_in(&email, PASSWORD).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        browser
    }
}

/// The id at the end of a redirect's location (`/o/acme/work-orders/{id}#tasks` gives the id).
pub fn id_from(location: Option<&str>) -> String {
    location
        .unwrap_or_default()
        .split('#')
        .next()
        .unwrap_or_default()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string()
}
