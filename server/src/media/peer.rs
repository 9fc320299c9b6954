//! A WHIP/WHEP client built on str0m, for the protocol tests and the `media-load` tool: it
//! publishes a synthetic stream (VP8 frames and Opus packets of realistic sizes; the SFU never
//! decodes them) or plays one, counting what arrives.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use str0m::change::SdpAnswer;
use str0m::format::Codec;
use str0m::media::{Direction, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;

use crate::load::now_us;

/// Video frames per second the publisher sends.
pub const FPS: u32 = 30;
/// Bytes per video frame: about 1 Mbit/s at 30 frames per second, a typical webcam stream.
const FRAME_BYTES: usize = 4_000;
/// Every this many frames is a keyframe, as an encoder set to a one-second interval does.
const KEYFRAME_EVERY: u32 = FPS;
const OPUS_BYTES: usize = 120;

/// What a peer saw.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub connected: bool,
    /// Whole frames (video) written or received.
    pub video_frames: u64,
    pub audio_frames: u64,
    /// Media bytes written or received.
    pub bytes: u64,
}

/// Where a video frame carries its send time (16 hex digits: no zero byte, so no H.264 start
/// code), after the codec's own header.
const STAMP: std::ops::Range<usize> = 24..40;

/// One WebRTC session with the media server.
pub struct Peer {
    rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    /// The session's URL (from `Location`), for `DELETE`.
    pub location: String,
    mids: Vec<(Mid, MediaKind)>,
    publish: bool,
    video: Codec,
    pub counts: Counts,
    /// From the first connected moment: frames are due at the stream's own pace.
    sending_since: Option<Instant>,
    sent_video: u32,
    sent_audio: u32,
    /// For a viewer: each video frame's transit time through the server, in microseconds.
    pub transit_us: Vec<u32>,
}

/// What the server answered to an offer.
pub struct Answered {
    pub status: reqwest::StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

/// Posts `offer` to `url` (with `bearer`), returning what came back.
pub async fn post_offer(
    http: &reqwest::Client,
    url: &str,
    bearer: Option<&str>,
    offer: String,
) -> anyhow::Result<Answered> {
    let mut request = http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/sdp")
        .body(offer);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    Ok(Answered {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.text().await?,
    })
}

impl Peer {
    /// Opens a session at `url`: publishing audio and video (`publish`) or receiving them.
    /// Fails unless the server answers `201 Created`.
    pub async fn open(
        http: &reqwest::Client,
        url: &str,
        bearer: Option<&str>,
        publish: bool,
    ) -> anyhow::Result<Peer> {
        Self::open_with(http, url, bearer, publish, Codec::Vp8).await
    }

    /// As [`Peer::open`], a publisher sending `video` (VP8 or H.264, as OBS does) and a viewer
    /// offering both, as browsers do.
    pub async fn open_with(
        http: &reqwest::Client,
        url: &str,
        bearer: Option<&str>,
        publish: bool,
        video: Codec,
    ) -> anyhow::Result<Peer> {
        let socket = UdpSocket::bind("127.0.0.1:0").await?;
        let local = socket.local_addr()?;
        let mut rtc = Rtc::builder()
            .clear_codecs()
            .enable_opus(true, false)
            .enable_vp8(!publish || video == Codec::Vp8)
            .enable_h264(!publish || video == Codec::H264)
            .build(Instant::now());
        rtc.add_local_candidate(Candidate::host(local, "udp")?);
        let direction = if publish {
            Direction::SendOnly
        } else {
            Direction::RecvOnly
        };
        let mut change = rtc.sdp_api();
        let audio_mid = change.add_media(MediaKind::Audio, direction, None, None, None);
        let video_mid = change.add_media(MediaKind::Video, direction, None, None, None);
        let (offer, pending) = change.apply().context("an offer with two media")?;
        let answered = post_offer(http, url, bearer, offer.to_sdp_string()).await?;
        if answered.status != reqwest::StatusCode::CREATED {
            bail!("{url}: {} {}", answered.status, answered.body);
        }
        let location = answered
            .headers
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .context("a Location for the session")?
            .to_owned();
        let answer = SdpAnswer::from_sdp_string(&answered.body)?;
        rtc.sdp_api().accept_answer(pending, answer)?;
        Ok(Peer {
            rtc,
            socket,
            local,
            location,
            mids: vec![(audio_mid, MediaKind::Audio), (video_mid, MediaKind::Video)],
            publish,
            video,
            counts: Counts::default(),
            sending_since: None,
            sent_video: 0,
            sent_audio: 0,
            transit_us: Vec::new(),
        })
    }

    /// Runs the session until `until`: sends the synthetic stream once connected (a
    /// publisher), counts what arrives (a viewer).
    pub async fn run_until(&mut self, until: Instant) -> anyhow::Result<Counts> {
        let mut buf = vec![0u8; 2048];
        loop {
            let wake = self.poll()?.min(until);
            let now = Instant::now();
            if now >= until {
                return Ok(self.counts);
            }
            if self.counts.connected && self.publish {
                let since = *self.sending_since.get_or_insert(now);
                let elapsed = (now - since).as_millis() as u64;
                let video_due = (elapsed * u64::from(FPS) / 1000) as u32;
                let audio_due = (elapsed / 20) as u32;
                while self.sent_video < video_due {
                    self.write_video(self.sent_video)?;
                    self.sent_video += 1;
                }
                while self.sent_audio < audio_due {
                    self.write_audio(self.sent_audio)?;
                    self.sent_audio += 1;
                }
            }
            let next_frame = Instant::now() + Duration::from_millis(10);
            tokio::select! {
                received = self.socket.recv_from(&mut buf) => {
                    let (n, source) = received?;
                    let receive = Receive::new(Protocol::Udp, source, self.local, &buf[..n]);
                    if let Ok(receive) = receive {
                        self.rtc.handle_input(Input::Receive(Instant::now(), receive))?;
                    }
                }
                _ = tokio::time::sleep_until(wake.min(next_frame).into()) => {
                    self.rtc.handle_input(Input::Timeout(Instant::now()))?;
                }
            }
        }
    }

    fn poll(&mut self) -> anyhow::Result<Instant> {
        loop {
            if !self.rtc.is_alive() {
                bail!("the session ended");
            }
            match self.rtc.poll_output()? {
                Output::Timeout(at) => return Ok(at),
                Output::Transmit(t) => {
                    // A full buffer loses the packet, as the network would.
                    let _ = self.socket.try_send_to(&t.contents, t.destination);
                }
                Output::Event(Event::Connected) => self.counts.connected = true,
                Output::Event(Event::MediaData(data)) => {
                    self.counts.bytes += data.data.len() as u64;
                    match self.kind(data.mid) {
                        Some(MediaKind::Video) => {
                            self.counts.video_frames += 1;
                            let stamp = data.data.get(STAMP);
                            let sent = stamp
                                .and_then(|s| std::str::from_utf8(s).ok())
                                .and_then(|s| u64::from_str_radix(s, 16).ok());
                            if let Some(sent) = sent {
                                let transit = now_us().saturating_sub(sent);
                                self.transit_us
                                    .push(u32::try_from(transit).unwrap_or(u32::MAX));
                            }
                        }
                        Some(MediaKind::Audio) => self.counts.audio_frames += 1,
                        None => {}
                    }
                }
                Output::Event(_) => {}
            }
        }
    }

    fn kind(&self, mid: Mid) -> Option<MediaKind> {
        self.mids.iter().find(|(m, _)| *m == mid).map(|(_, k)| *k)
    }

    fn write(
        &mut self,
        kind: MediaKind,
        codec: Codec,
        time: MediaTime,
        data: Vec<u8>,
    ) -> anyhow::Result<()> {
        let mid = self
            .mids
            .iter()
            .find(|(_, k)| *k == kind)
            .map(|(m, _)| *m)
            .context("no such media")?;
        let writer = self.rtc.writer(mid).context("not sending")?;
        let pt = writer
            .payload_params()
            .find(|p| p.spec().codec == codec)
            .map(|p| p.pt())
            .ok_or_else(|| anyhow!("{codec:?} was not negotiated"))?;
        self.counts.bytes += data.len() as u64;
        writer.write(pt, Instant::now(), time, data)?;
        Ok(())
    }

    fn write_video(&mut self, n: u32) -> anyhow::Result<()> {
        let mut frame = vec![0x5au8; FRAME_BYTES];
        let key = n.is_multiple_of(KEYFRAME_EVERY);
        let header: &[u8] = match (self.video, key) {
            // A VP8 frame tag: bit 0 clear marks a keyframe, which carries the start code and size.
            (Codec::Vp8, true) => &[0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01],
            (Codec::Vp8, false) => &[0x11],
            // Annex B, as encoders hand it over: a keyframe with its parameter sets, or a slice.
            (_, true) => &[
                0, 0, 0, 1, 0x67, 0x42, 0xe0, 0x1f, 0x8c,
                0x8d, // SPS, constrained baseline 3.1
                0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80, // PPS
                0, 0, 0, 1, 0x65, 0x88, // IDR slice
            ],
            (_, false) => &[0, 0, 0, 1, 0x41, 0x9a],
        };
        frame[..header.len()].copy_from_slice(header);
        frame[STAMP].copy_from_slice(format!("{:016x}", now_us()).as_bytes());
        let time = MediaTime::from_90khz(u64::from(n) * 90_000 / u64::from(FPS));
        self.write(MediaKind::Video, self.video, time, frame)?;
        self.counts.video_frames += 1;
        Ok(())
    }

    fn write_audio(&mut self, n: u32) -> anyhow::Result<()> {
        let time = MediaTime::new(u64::from(n) * 960, str0m::media::Frequency::FORTY_EIGHT_KHZ);
        self.write(MediaKind::Audio, Codec::Opus, time, vec![0x78; OPUS_BYTES])?;
        self.counts.audio_frames += 1;
        Ok(())
    }
}
