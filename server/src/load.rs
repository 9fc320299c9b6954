//! What the load tools (`room-load`, `media-load`) share: the server they load, a client with
//! cookies, server function calls, a host and an event to load, and a process's CPU use.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};

/// The server under load, as both tools take it on the command line.
#[derive(clap::Args)]
pub struct Target {
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    pub url: String,
    /// The server's process id, to read its CPU time.
    #[arg(long)]
    pub pid: u32,
}

impl Target {
    /// The base URL without a trailing slash.
    pub fn base(&self) -> String {
        self.url.trim_end_matches('/').to_owned()
    }
}

/// Microseconds since the Unix epoch: the send time load messages and frames carry.
pub fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

/// A tag that keeps this run's accounts apart from earlier runs' on the same database.
pub fn run_tag() -> String {
    format!("{:x}", now_us() % 0xff_ffff)
}

/// Measures a process's CPU use from when it is started.
pub struct CpuMeter {
    pid: u32,
    ticks: u64,
    started: Instant,
}

impl CpuMeter {
    pub fn start(pid: u32) -> anyhow::Result<Self> {
        Ok(Self {
            pid,
            ticks: cpu_ticks(pid)?,
            started: Instant::now(),
        })
    }

    /// The CPU time used since the start, in percent of one core.
    pub fn percent(&self) -> anyhow::Result<f64> {
        let used = (cpu_ticks(self.pid)? - self.ticks) as f64 / 100.0;
        Ok(used / self.started.elapsed().as_secs_f64() * 100.0)
    }
}

/// User and system CPU time of process `pid`, in clock ticks (1/100 s on Linux).
fn cpu_ticks(pid: u32) -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').context("unreadable stat")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Ok(fields[11].parse::<u64>()? + fields[12].parse::<u64>()?)
}

fn client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()?)
}

pub async fn call(
    client: &reqwest::Client,
    base: &str,
    name: &str,
    form: &[(&str, &str)],
) -> anyhow::Result<String> {
    let response = client
        .post(format!("{base}/api/{name}"))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await?;
    let status = response.status();
    let body = response.text().await?;
    if !status.is_success() && !status.is_redirection() {
        bail!("{name}: {status} {body}");
    }
    Ok(body)
}

pub async fn sign_up(base: &str, role: &str, handle: &str) -> anyhow::Result<reqwest::Client> {
    let c = client()?;
    let email = format!("{handle}@load.test");
    call(
        &c,
        base,
        "signup",
        &[
            ("role", role),
            ("email", &email),
            ("display_name", handle),
            ("handle", handle),
            ("password", "load test passphrase 2026"),
        ],
    )
    .await?;
    Ok(c)
}

/// Schedules an event a day from now as the host; returns its id.
pub async fn schedule(host: &reqwest::Client, base: &str, title: &str) -> anyhow::Result<i64> {
    let starts_at = app::ui::date::format_date_time_input(app::ssr::now() + 86_400);
    let body = call(
        host,
        base,
        "schedule_event",
        &[
            ("title", title),
            ("description", ""),
            ("starts_at", &starts_at),
            ("planned_minutes", "60"),
            ("donation_min", "2"),
            ("donation_message_max", "200"),
            ("slot_count", "0"),
            ("slot_secs", "120"),
            ("slot_price", "15"),
            ("slot_purpose", "chat"),
            ("slots_per_fan", "1"),
            ("cancel_cutoff_hours", "1"),
            ("no_show_secs", "90"),
        ],
    )
    .await?;
    Ok(body.trim().parse()?)
}
