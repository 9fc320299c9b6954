//! Black-box test harness: the real router on a random port with a fresh database, SQLite by
//! default or PostgreSQL when `TREMPLIN_TEST_POSTGRES` holds an admin URL to a cluster.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;

use app::accounts::password::Cost;
use app::error::AppError;
use reqwest::{Client, Response, StatusCode};
use server::config::Config;

pub struct TestApp {
    pub addr: SocketAddr,
    pub data_dir: tempfile::TempDir,
    pub database_url: String,
    /// The app's password hasher, to count the argon2 computations a request caused.
    pub passwords: app::accounts::password::Hasher,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A browser-like client with its own cookie jar, that does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            // A hung request fails its test instead of the whole run.
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap()
    }

    /// Fetches the page at `path` as `client`, failing unless it answers 200.
    pub async fn page(&self, client: &Client, path: &str) -> String {
        let response = client.get(self.url(path)).send().await.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK, "GET {path}");
        response.text().await.unwrap()
    }

    /// Calls a server function with form-encoded arguments, as `ActionForm` does.
    pub async fn call(&self, client: &Client, name: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(self.url(&format!("/api/{name}")))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Calls a server function and returns its `AppError`, failing if it succeeded.
    pub async fn call_err(&self, client: &Client, name: &str, form: &[(&str, &str)]) -> AppError {
        let response = self.call(client, name, form).await;
        assert!(
            !response.status().is_success() && !response.status().is_redirection(),
            "{name} should have failed but answered {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    /// Calls a server function that must succeed and returns its JSON answer.
    pub async fn call_ok<T: serde::de::DeserializeOwned>(
        &self,
        client: &Client,
        name: &str,
        form: &[(&str, &str)],
    ) -> T {
        let response = self.call(client, name, form).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        assert!(
            status.is_success() || status.is_redirection(),
            "{name} failed with {status}: {body}"
        );
        serde_json::from_str(if body.is_empty() { "null" } else { &body }).unwrap()
    }

    /// Pays the test processor's checkout at `checkout` (a path) with test card `card`.
    pub async fn pay(&self, client: &Client, checkout: &str, card: &str) -> Response {
        client
            .post(self.url(checkout))
            .form(&[("number", card), ("expiry", "12/34"), ("cvc", "123")])
            .send()
            .await
            .unwrap()
    }

    /// Signs up a new account on `client`, confirms its address with the mailed link, and
    /// leaves it logged in.
    pub async fn sign_up(&self, client: &Client, role: &str, handle: &str) {
        self.sign_up_unconfirmed(client, role, handle).await;
        let token = self
            .mailed_token(&format!("{handle}@example.test"), "/confirm/")
            .await;
        let _: String = self
            .call_ok(client, "confirm_email", &[("token", &token)])
            .await;
    }

    /// The token of the newest link under `path` (such as `/confirm/`) mailed to `to`, waiting
    /// for the mail a moment: the app sends it in the background.
    pub async fn mailed_token(&self, to: &str, path: &str) -> String {
        for _ in 0..200 {
            let token = self.mails_to(to).iter().rev().find_map(|m| {
                m.split_whitespace()
                    .find_map(|w| w.split(path).nth(1).map(str::to_owned))
            });
            if let Some(token) = token {
                return token;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("no {path} link was mailed to {to}");
    }

    /// Signs up a new account on `client` and leaves it logged in, its address unconfirmed.
    pub async fn sign_up_unconfirmed(&self, client: &Client, role: &str, handle: &str) {
        let email = format!("{handle}@example.test");
        let mut form = vec![
            ("role", role),
            ("email", email.as_str()),
            ("display_name", "Test Person"),
            ("handle", handle),
            ("password", "a long enough passphrase"),
        ];
        let slug = handle.replace('_', "-");
        if role == "brand" {
            form.push(("company_name", "Test Company"));
            form.push(("slug", &slug));
        }
        let _: () = self.call_ok(client, "signup", &form).await;
    }

    /// Logs in through a proxy that says the client is `ip`; returns the status.
    pub async fn login_from(&self, ip: &str, email: &str, password: &str) -> StatusCode {
        self.client()
            .post(self.url("/api/login"))
            .header("accept", "application/json")
            .header("x-forwarded-for", format!("192.0.2.1, {ip}"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .unwrap()
            .status()
    }

    /// An `AppState` on this app's database and outbox, for tests that call the server's
    /// functions directly (demo loading, workers).
    pub fn state(&self, db: &app::ssr::Db) -> app::ssr::AppState {
        app::ssr::AppState {
            db: db.clone(),
            ledger: app::ledger::group::GroupCommit::start(db.clone()),
            room: app::live::room::hub::Hub::start(db, &self.database_url, 100),
            media: std::sync::Arc::new(
                server::media::Embedded::start(&server::media::EmbeddedSettings {
                    udp: "127.0.0.1:0".parse().unwrap(),
                    public_ip: "127.0.0.1".parse().unwrap(),
                    ice_servers: Default::default(),
                    max_sessions: 10,
                })
                .unwrap(),
            ),
            mailer: std::sync::Arc::new(server::mail::Outbox::new(self.outbox(), false)),
            storage: app::ssr::Storage::new(std::sync::Arc::new(
                object_store::memory::InMemory::new(),
            )),
            payments: server::payments::test_mode::TestProcessor::new(
                db.clone(),
                self.url(""),
                b"demo test secret".to_vec(),
                app::wallet::rules::FeeSchedule::DEFAULT,
            ),
            base_url: self.url(""),
            payout_minimum: app::earnings::rules::PAYOUT_MINIMUM,
            passwords: app::accounts::password::Hasher::new(Cost::FAST),
            clock: app::ssr::Clock::default(),
            deal_review_secs: app::deals::rules::REVIEW_WINDOW_SECS,
            checkout_hold_secs: app::orders::rules::RESERVATION_SECS,
            return_window_secs: app::orders::rules::RETURN_WINDOW_SECS,
            signups_per_ip: app::accounts::rules::SIGNUPS_PER_IP,
            limiter: Default::default(),
            operator: Default::default(),
        }
    }

    /// Where the app writes its mail.
    pub fn outbox(&self) -> std::path::PathBuf {
        self.data_dir.path().join("outbox")
    }

    /// The mails written to the outbox for `to`.
    pub fn mails_to(&self, to: &str) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.outbox()) else {
            return Vec::new();
        };
        let mut names: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        names.sort();
        names
            .into_iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .filter(|m| m.starts_with(&format!("To: {to}\n")))
            .collect()
    }

    pub async fn me(&self, client: &Client) -> Option<app::accounts::types::SessionUser> {
        self.call_ok(client, "me", &[]).await
    }
}

pub fn assert_status(response: &Response, expected: StatusCode) {
    assert_eq!(
        response.status(),
        expected,
        "unexpected status for {}",
        response.url()
    );
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Starts the app with extra configuration variables.
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&data_dir).await;
    let data = data_dir.path().display().to_string();
    // A real port known before start-up, so the base URL (links in mail, the test
    // processor's webhooks) points at this very server.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let base_url = format!("http://{listen}");
    // Variables given by the test come first, so they win over these defaults.
    let mut vars = extra.to_vec();
    vars.extend_from_slice(&[
        ("TREMPLIN_DATA_DIR", data.as_str()),
        ("TREMPLIN_DATABASE_URL", database_url.as_str()),
        ("TREMPLIN_LISTEN", listen.as_str()),
        ("TREMPLIN_BASE_URL", base_url.as_str()),
        // A port of its own for each app a test process starts.
        ("TREMPLIN_MEDIA_UDP", "127.0.0.1:0"),
        // Tests open many accounts from one address; the limit has a test of its own.
        ("TREMPLIN_SIGNUPS_PER_HOUR", "100000"),
    ]);
    let mut config = Config::from_lookup(|k| {
        vars.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_owned())
    })
    .unwrap();
    config.password_cost = Cost::FAST;
    let state = server::state(&config).await.unwrap();
    let passwords = state.passwords.clone();
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        server::serve(&config, state, move |addr| {
            let _ = tx.send(addr);
        })
        .await
        .unwrap();
    });
    TestApp {
        addr: rx.await.unwrap(),
        data_dir,
        database_url,
        passwords,
    }
}

/// A new empty database: a SQLite file in `dir`, or a database on the PostgreSQL cluster.
async fn fresh_database_url(dir: &tempfile::TempDir) -> String {
    match std::env::var("TREMPLIN_TEST_POSTGRES") {
        Ok(admin) if !admin.is_empty() => fresh_postgres_database(&admin).await,
        _ => format!("sqlite://{}/test.db", dir.path().display()),
    }
}

/// A fresh, migrated database without the HTTP app, for store-level tests. Keep the
/// directory alive as long as the database.
pub async fn fresh_db() -> (tempfile::TempDir, app::ssr::Db) {
    let (dir, _, db) = fresh_db_with_url().await;
    (dir, db)
}

/// A fresh, migrated database and its URL, for tests that also start the binary on it.
pub async fn fresh_db_with_url() -> (tempfile::TempDir, String, app::ssr::Db) {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(&dir).await;
    let db = app::ssr::Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    (dir, url, db)
}

/// Creates a fan with this handle directly in the database; returns their id.
pub async fn user(db: &app::ssr::Db, handle: &str) -> i64 {
    person(db, handle, app::accounts::types::Role::Fan).await
}

/// Creates an empty database on the cluster and returns its URL.
pub async fn fresh_postgres_database(admin_url: &str) -> String {
    use sqlx::Connection;
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(admin_url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let base = admin_url.rsplit_once('/').unwrap().0;
    format!("{base}/{name}")
}

/// A minimal SMTP server that accepts every message and hands its DATA to the test.
pub async fn smtp_sink() -> (SocketAddr, tokio::sync::mpsc::UnboundedReceiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink\r\n",
                        "DATA" => {
                            write.write_all(b"354 end with .\r\n").await.unwrap();
                            let mut data = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                data.push_str(&l);
                                data.push('\n');
                            }
                            let _ = tx.send(data);
                            b"250 queued\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (addr, rx)
}

/// Creates a user with this handle and role directly in the database; returns their id.
pub async fn person(db: &app::ssr::Db, handle: &str, role: app::accounts::types::Role) -> i64 {
    let slug = handle.replace('_', "-");
    app::accounts::store::create_user(
        db,
        app::accounts::store::NewUser {
            email: &format!("{handle}@example.test"),
            handle,
            display_name: handle,
            password_hash: "not a real hash",
            role,
            brand: (role == app::accounts::types::Role::Brand).then_some((handle, slug.as_str())),
        },
        app::ssr::now(),
    )
    .await
    .unwrap()
}

/// Puts `minor` cents in the wallet of `user`, as a top-up would.
pub async fn top_up(db: &app::ssr::Db, user: i64, minor: i64) {
    let mut tx = db.begin_write().await.unwrap();
    use app::ledger::types::*;
    let t = NewTransfer {
        key: format!("test-top-up-{user}-{minor}"),
        debit: AccountRef::platform(AccountKind::ProcessorClearing, Currency::Eur),
        credit: AccountRef::wallet(user, Currency::Eur),
        amount: Money::eur(minor),
        kind: TransferKind::TopUp,
        cause: "test".into(),
        hold: None,
    };
    app::ledger::store::transfer(&mut tx, &[t], app::ssr::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// What `account` can spend now.
pub async fn available(db: &app::ssr::Db, account: app::ledger::types::AccountRef) -> i64 {
    app::ledger::store::balance(db, account)
        .await
        .unwrap()
        .available()
}

/// The `tremplin` binary serving in a process of its own, on a free port.
pub struct Server {
    pub child: std::process::Child,
    pub url: String,
}

impl Server {
    /// Starts `tremplin serve` on `database_url`, with extra environment variables.
    pub fn start(database_url: &str, data_dir: &std::path::Path, extra: &[(&str, &str)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}");
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_tremplin"))
            .arg("serve")
            .env("TREMPLIN_DATABASE_URL", database_url)
            .env("TREMPLIN_DATA_DIR", data_dir)
            .env("TREMPLIN_LISTEN", format!("127.0.0.1:{port}"))
            .env("TREMPLIN_BASE_URL", &url)
            // Each process its own media port.
            .env("TREMPLIN_MEDIA_UDP", "127.0.0.1:0")
            .env("RUST_LOG", "error")
            .envs(extra.iter().copied())
            .spawn()
            .unwrap();
        Self { child, url }
    }

    pub async fn wait_healthy(&self) {
        for _ in 0..200 {
            if let Ok(r) = reqwest::get(format!("{}/healthz", self.url)).await {
                if r.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the server did not come up");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
