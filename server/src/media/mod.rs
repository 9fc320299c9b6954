//! Live video's media server, chosen by configuration: the built-in SFU (one UDP port, str0m,
//! WHIP/WHEP under `/stream`), or an external WHIP/WHEP server such as MediaMTX that asks
//! Tremplin who may publish or watch each stream.

pub mod external;
pub mod http;
pub mod peer;
mod sfu;
mod stats;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::live::video::{Endpoints, IceServers, MediaServer, Seat, EMBEDDED_BASE};
use str0m::change::SdpOffer;
use str0m::{Candidate, Rtc};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use sfu::Refused;

/// How the built-in media server listens.
#[derive(Clone, Debug)]
pub struct EmbeddedSettings {
    /// The UDP address all sessions share.
    pub udp: SocketAddr,
    /// The address announced to peers (this host's public address in production).
    pub public_ip: IpAddr,
    pub ice_servers: IceServers,
    /// Sessions held at once, publishers and viewers together.
    pub max_sessions: usize,
}

/// Why a session could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("malformed SDP offer: {0}")]
    Sdp(String),
    #[error("someone already publishes to this stream")]
    Taken,
    #[error("the media server is full, try again shortly")]
    Full,
    #[error("the media server is not running")]
    Down,
}

/// The built-in SFU: a handle to its forwarding loop.
#[derive(Clone)]
pub struct Embedded {
    commands: mpsc::Sender<sfu::Command>,
    /// The host candidate of every answer: the public address and the UDP port.
    candidate: Candidate,
    ice_servers: IceServers,
}

impl Embedded {
    /// Binds the UDP port and starts the forwarding loop (on the current Tokio runtime).
    pub fn start(settings: &EmbeddedSettings) -> anyhow::Result<Self> {
        let socket = std::net::UdpSocket::bind(settings.udp)
            .map_err(|e| anyhow::anyhow!("TREMPLIN_MEDIA_UDP {}: {e}", settings.udp))?;
        socket.set_nonblocking(true)?;
        let public = SocketAddr::new(settings.public_ip, socket.local_addr()?.port());
        // The one candidate every answer offers: an address peers cannot reach fails here.
        let candidate = Candidate::host(public, "udp")
            .map_err(|e| anyhow::anyhow!("TREMPLIN_MEDIA_PUBLIC_IP {public}: {e}"))?;
        let socket = tokio::net::UdpSocket::from_std(socket)?;
        let (commands, receiver) = mpsc::channel(256);
        tokio::spawn(sfu::Loop::new(socket, public, settings.max_sessions).run(receiver));
        stats::started();
        tracing::info!(%public, "media server listening");
        Ok(Self {
            commands,
            candidate,
            ice_servers: settings.ice_servers.clone(),
        })
    }

    /// Answers `offer` for a publisher (`publisher`) or a viewer of `event`'s `seat` and runs
    /// the session; returns its id and the SDP answer.
    pub async fn open(
        &self,
        event: i64,
        seat: Seat,
        publisher: bool,
        offer: &str,
    ) -> Result<(Uuid, String), OpenError> {
        let offer = SdpOffer::from_sdp_string(offer).map_err(|e| OpenError::Sdp(e.to_string()))?;
        let mut rtc = Rtc::builder()
            .set_ice_lite(true)
            .clear_codecs()
            .enable_opus(true, false)
            .enable_vp8(true)
            .enable_h264(true)
            .set_stats_interval(Some(Duration::from_secs(2)))
            .build(Instant::now());
        rtc.add_local_candidate(self.candidate.clone());
        let answer = rtc
            .sdp_api()
            .accept_offer(offer)
            .map_err(|e| OpenError::Sdp(e.to_string()))?;
        let id = Uuid::new_v4();
        let (reply, answered) = oneshot::channel();
        let command = sfu::Command::Open {
            id,
            path: (event, seat),
            publisher,
            rtc: Box::new(rtc),
            reply,
        };
        self.commands
            .send(command)
            .await
            .map_err(|_| OpenError::Down)?;
        match answered.await.map_err(|_| OpenError::Down)? {
            Ok(()) => Ok((id, answer.to_sdp_string())),
            Err(Refused::Taken) => Err(OpenError::Taken),
            Err(Refused::Full) => Err(OpenError::Full),
        }
    }

    /// Ends session `id`; whether there was one.
    pub async fn close(&self, id: Uuid) -> bool {
        let (reply, answered) = oneshot::channel();
        if self
            .commands
            .send(sfu::Command::Close { id, reply })
            .await
            .is_err()
        {
            return false;
        }
        answered.await.unwrap_or(false)
    }
}

impl MediaServer for Embedded {
    fn endpoints(&self) -> Endpoints {
        Endpoints {
            base: EMBEDDED_BASE.to_owned(),
            ice_servers: self.ice_servers.clone(),
        }
    }

    /// Queued even when the loop is busy: a stream that must end is never dropped.
    fn end_stream(&self, event: i64, seat: Seat) {
        let commands = self.commands.clone();
        tokio::spawn(async move {
            if commands
                .send(sfu::Command::EndStream((event, seat)))
                .await
                .is_err()
            {
                tracing::error!(event, ?seat, "media server down: stream not ended");
            }
        });
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Starts the media server the configuration names.
pub fn start(settings: &crate::config::Media) -> anyhow::Result<Arc<dyn MediaServer>> {
    Ok(match settings {
        crate::config::Media::Embedded(embedded) => Arc::new(Embedded::start(embedded)?),
        crate::config::Media::External(external) => Arc::new(external.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_address_peers_cannot_reach_stops_the_server_at_start() {
        let settings = |public_ip: &str| EmbeddedSettings {
            udp: "127.0.0.1:0".parse().unwrap(),
            public_ip: public_ip.parse().unwrap(),
            ice_servers: IceServers::default(),
            max_sessions: 10,
        };
        let e = Embedded::start(&settings("0.0.0.0")).err().unwrap();
        assert!(e.to_string().contains("TREMPLIN_MEDIA_PUBLIC_IP"), "{e}");
        assert!(Embedded::start(&settings("127.0.0.1")).is_ok());
    }
}
