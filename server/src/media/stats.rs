//! The media server's counters on `/metrics`: sessions by side, bytes through the socket,
//! packets the socket could not take, and the loss peers report.

use str0m::stats::PeerStats;

fn side(publisher: bool) -> &'static str {
    if publisher {
        "publisher"
    } else {
        "viewer"
    }
}

pub fn started() {
    metrics::gauge!("tremplin_media_up").set(1.0);
}

pub fn opened(publisher: bool) {
    metrics::gauge!("tremplin_media_sessions", "side" => side(publisher)).increment(1.0);
    metrics::counter!("tremplin_media_sessions_opened_total", "side" => side(publisher))
        .increment(1);
}

pub fn closed(publisher: bool) {
    metrics::gauge!("tremplin_media_sessions", "side" => side(publisher)).decrement(1.0);
}

pub fn received(bytes: usize) {
    metrics::counter!("tremplin_media_received_bytes_total").increment(bytes as u64);
}

pub fn sent(bytes: usize) {
    metrics::counter!("tremplin_media_sent_bytes_total").increment(bytes as u64);
}

/// A datagram the socket had no room for.
pub fn dropped() {
    metrics::counter!("tremplin_media_dropped_packets_total").increment(1);
}

/// Loss as the peers see it: what publishers' packets lose on the way in, what viewers'
/// lose on the way out.
pub fn peer(publisher: bool, stats: &PeerStats) {
    let loss = if publisher {
        stats.ingress_loss_fraction
    } else {
        stats.egress_loss_fraction
    };
    if let Some(loss) = loss {
        metrics::histogram!("tremplin_media_loss_ratio", "side" => side(publisher))
            .record(f64::from(loss));
    }
}
