//! Load client for the built-in media server. Against a running Tremplin it signs up a host,
//! schedules and starts an event, publishes one synthetic stream over WHIP (VP8 at about
//! 1 Mbit/s and Opus, stamped with their send time), then for each number of viewers in turn
//! opens that many WHEP viewers on loopback and reports, over a measured window: the frames
//! each viewer got against those sent (loss), the bitrate the server forwarded, each frame's
//! transit through the server (p50/p99), and the server's CPU (from `/proc/PID/stat`).
//!
//! `cargo run --release -p server --bin media-load -- --pid PID` (see `.ci/load-bench.sh media`).

use std::time::{Duration, Instant};

use app::live::video::api::Publishing;
use app::live::video::Seat;
use clap::Parser;
use server::load::{call, run_tag, schedule, sign_up, CpuMeter, Target};
use server::media::peer::Peer;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    target: Target,
    /// The numbers of viewers to measure, in turn.
    #[arg(long, value_delimiter = ',', default_value = "50,100,200,400")]
    viewers: Vec<usize>,
    /// Seconds measured per round, after every viewer is connected.
    #[arg(long, default_value_t = 20)]
    secs: u64,
}

/// Runs `peers` until `until`, each in its own task; gives them back.
async fn run(peers: Vec<Peer>, until: Instant) -> anyhow::Result<Vec<Peer>> {
    let tasks: Vec<_> = peers
        .into_iter()
        .map(|mut p| {
            tokio::spawn(async move {
                let ran = p.run_until(until).await;
                (p, ran)
            })
        })
        .collect();
    let mut back = Vec::with_capacity(tasks.len());
    for task in tasks {
        let (peer, ran) = task.await?;
        if let Err(e) = ran {
            eprintln!("a peer stopped: {e}");
        }
        back.push(peer);
    }
    Ok(back)
}

/// Packets the server's socket had no room for so far, from its `/metrics`.
async fn dropped(http: &reqwest::Client, base: &str) -> u64 {
    let Ok(response) = http.get(format!("{base}/metrics")).send().await else {
        return 0;
    };
    let text = response.text().await.unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix("tremplin_media_dropped_packets_total "))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map_or(0, |v| v as u64)
}

fn quantile_ms(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    f64::from(sorted[i]) / 1_000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let base = args.target.base();
    let tag = run_tag();
    let host = sign_up(&base, "creator", &format!("media_host_{tag}")).await?;
    let event = schedule(&host, &base, "Media load test").await?;
    let event_s = event.to_string();
    call(
        &host,
        &base,
        "run_event",
        &[("id", &event_s), ("step", "start")],
    )
    .await?;
    let publishing: Publishing =
        serde_json::from_str(&call(&host, &base, "get_publishing", &[("id", &event_s)]).await?)?;
    let key = publishing.stream_key;
    let http = reqwest::Client::new();
    let whip = publishing.whip_url;
    let whep = format!(
        "{base}{}",
        publishing.endpoints.url(event, Seat::Host, false)
    );
    println!(
        "event {event}; publisher: VP8 {} fps, about 1 Mbit/s, and Opus; {} s per round",
        server::media::peer::FPS,
        args.secs
    );
    println!("viewers | connected | frames sent | received | loss | forwarded Mbit/s | transit p50 ms | p99 ms | server CPU | dropped by server | client CPU");

    for &n in &args.viewers {
        let publisher = Peer::open(&http, &whip, Some(&key), true).await?;
        let mut viewers = Vec::with_capacity(n);
        for _ in 0..n {
            viewers.push(Peer::open(&http, &whep, None, false).await?);
        }
        let mut peers = vec![publisher];
        peers.extend(viewers);
        // Three seconds to connect and settle, not measured.
        let mut peers = run(peers, Instant::now() + Duration::from_secs(3)).await?;
        let before: Vec<_> = peers.iter().map(|p| p.counts).collect();
        for p in &mut peers {
            p.transit_us.clear();
        }
        let dropped_start = dropped(&http, &base).await;
        let (server_cpu, own_cpu) = (
            CpuMeter::start(args.target.pid)?,
            CpuMeter::start(std::process::id())?,
        );
        let started = Instant::now();
        let peers = run(peers, started + Duration::from_secs(args.secs)).await?;
        let elapsed = started.elapsed().as_secs_f64();
        let (cpu, own_cpu) = (server_cpu.percent()?, own_cpu.percent()?);
        let dropped = dropped(&http, &base).await.saturating_sub(dropped_start);

        let sent = peers[0].counts.video_frames - before[0].video_frames;
        let connected = peers[1..].iter().filter(|p| p.counts.connected).count();
        let (mut received, mut bytes) = (0u64, 0u64);
        let mut transit = Vec::new();
        for (p, b) in peers[1..].iter().zip(&before[1..]) {
            received += p.counts.video_frames - b.video_frames;
            bytes += p.counts.bytes - b.bytes;
            transit.extend_from_slice(&p.transit_us);
        }
        transit.sort_unstable();
        let expected = sent * n as u64;
        let loss = 100.0 * expected.saturating_sub(received) as f64 / expected.max(1) as f64;
        println!(
            "{n:>7} | {connected:>9} | {sent:>11} | {received:>8} | {loss:>3.2}% | {:>16.1} | {:>14.1} | {:>6.1} | {cpu:>5.0}% of a core | {dropped:>17} | {own_cpu:>4.0}%",
            bytes as f64 * 8.0 / elapsed / 1e6,
            quantile_ms(&transit, 0.5),
            quantile_ms(&transit, 0.99),
        );
        for p in peers {
            let _ = http.delete(format!("{base}{}", p.location)).send().await;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    Ok(())
}
