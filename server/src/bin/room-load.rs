//! Load client for the live room. Against a running Tremplin it signs up a host and a few
//! senders, schedules an event, then for each number of viewers in turn opens that many
//! WebSocket viewers of the room, has the senders chat at a fixed rate, and reports what the
//! viewers saw: deliveries and losses, the broadcast latency (send to receipt, p50/p99/max)
//! and the server's CPU use over the same window (read from `/proc/PID/stat`).
//!
//! `cargo run --release -p server --bin room-load -- --pid PID` (see `.ci/load-bench.sh room`).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use futures::StreamExt;
use server::load::{call, now_us, run_tag, schedule, sign_up, CpuMeter, Target};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    target: Target,
    /// The numbers of viewers to measure, in turn.
    #[arg(long, value_delimiter = ',', default_value = "1000,5000,10000")]
    viewers: Vec<usize>,
    /// Chat messages per second.
    #[arg(long, default_value_t = 5)]
    rate: u32,
    /// Seconds of chat per round.
    #[arg(long, default_value_t = 20)]
    secs: u64,
}

/// Latencies in 100 µs buckets up to 10 s (the last bucket holds anything slower).
struct Histogram {
    buckets: Vec<AtomicU64>,
    count: AtomicU64,
}

impl Histogram {
    const STEP_US: u64 = 100;

    fn new() -> Self {
        Self {
            buckets: (0..100_001).map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
        }
    }

    fn record(&self, micros: u64) {
        let i = ((micros / Self::STEP_US) as usize).min(self.buckets.len() - 1);
        self.buckets[i].fetch_add(1, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    /// The latency under which `q` of the deliveries fell, in milliseconds.
    fn quantile_ms(&self, q: f64) -> f64 {
        let total = self.count.load(Ordering::Relaxed);
        let wanted = ((total as f64) * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, b) in self.buckets.iter().enumerate() {
            seen += b.load(Ordering::Relaxed);
            if seen >= wanted {
                return ((i as u64 + 1) * Self::STEP_US) as f64 / 1_000.0;
            }
        }
        f64::NAN
    }
}

/// One viewer: connects, tells when it has caught up, then times every load message sent
/// from `since` on (the backlog holds earlier rounds' messages).
async fn viewer(
    url: String,
    since: u64,
    ready: Arc<AtomicUsize>,
    hist: Arc<Histogram>,
    received: Arc<AtomicU64>,
) {
    // A small read buffer: the library zeroes its free space on every read, and the 128 KiB
    // default would make this client, not the server, the bottleneck.
    let config = WebSocketConfig::default().read_buffer_size(8 * 1_024);
    let Ok((mut ws, _)) =
        tokio_tungstenite::connect_async_with_config(url, Some(config), false).await
    else {
        return;
    };
    let mut counted = false;
    while let Some(Ok(frame)) = ws.next().await {
        let Message::Text(text) = frame else {
            continue;
        };
        if !counted && text.contains(r#""t":"viewers""#) {
            counted = true;
            ready.fetch_add(1, Ordering::Relaxed);
        }
        // Only the body is read: parsing every frame whole would load this side more.
        if let Some(at) = text.split("\"body\":\"load:").nth(1) {
            if let Some(Ok(sent)) = at.split('"').next().map(str::parse::<u64>) {
                if sent < since {
                    continue;
                }
                hist.record(now_us().saturating_sub(sent));
                received.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let base = args.target.base();
    let tag = run_tag();
    let host = sign_up(&base, "creator", &format!("load_host_{tag}")).await?;
    let event = schedule(&host, &base, "Room load test").await?;
    // Each person may send 5 messages in 10 s: enough senders that none is held back.
    let mut senders = Vec::new();
    for i in 0..(args.rate as usize * 3).max(4) {
        senders.push(sign_up(&base, "fan", &format!("load_fan_{tag}_{i}")).await?);
    }
    let ws_url = format!("{}/live/{event}/room", base.replace("http://", "ws://"));
    println!(
        "event {event}, {} msg/s for {} s per round, {} senders",
        args.rate,
        args.secs,
        senders.len()
    );
    println!(
        "viewers | connected | sent | delivered | lost | p50 ms | p99 ms | max ms | server CPU"
    );
    for &n in &args.viewers {
        let ready = Arc::new(AtomicUsize::new(0));
        let hist = Arc::new(Histogram::new());
        let received = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::with_capacity(n);
        let since = now_us();
        for i in 0..n {
            tasks.push(tokio::spawn(viewer(
                ws_url.clone(),
                since,
                ready.clone(),
                hist.clone(),
                received.clone(),
            )));
            // Opens in waves, as a real audience arrives, not as one burst of handshakes.
            if i % 200 == 199 {
                while ready.load(Ordering::Relaxed) + 50 < i {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        while ready.load(Ordering::Relaxed) < n && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let connected = ready.load(Ordering::Relaxed);
        tokio::time::sleep(Duration::from_secs(1)).await;

        let server_cpu = CpuMeter::start(args.target.pid)?;
        let total = args.rate as u64 * args.secs;
        let mut tick = tokio::time::interval(Duration::from_secs(1) / args.rate);
        let mut sent = 0u64;
        let event_s = event.to_string();
        for i in 0..total {
            tick.tick().await;
            let sender = senders[i as usize % senders.len()].clone();
            let (base, event_s) = (base.clone(), event_s.clone());
            let text = format!("load:{}", now_us());
            match call(
                &sender,
                &base,
                "send_chat",
                &[("id", &event_s), ("text", &text)],
            )
            .await
            {
                Ok(_) => sent += 1,
                Err(e) => eprintln!("send failed: {e}"),
            }
        }
        // Stragglers have two seconds to arrive.
        let expected = sent * connected as u64;
        let wait_until = Instant::now() + Duration::from_secs(2);
        while received.load(Ordering::Relaxed) < expected && Instant::now() < wait_until {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let cpu = server_cpu.percent()?;
        let delivered = received.load(Ordering::Relaxed);
        println!(
            "{n:>7} | {connected:>9} | {sent:>4} | {delivered:>9} | {:>4} | {:>6.1} | {:>6.1} | {:>6.1} | {cpu:>5.0}% of a core",
            expected.saturating_sub(delivered),
            hist.quantile_ms(0.5),
            hist.quantile_ms(0.99),
            hist.quantile_ms(1.0),
        );
        for t in tasks {
            t.abort();
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    Ok(())
}
