//! The browser's side of WHIP and WHEP: a peer connection per stream, the offer posted to the
//! media server, and a keeper that reconnects after a drop or while the event is not on air.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    HtmlVideoElement, MediaDeviceInfo, MediaDeviceKind, MediaStream, MediaStreamConstraints,
    MediaStreamTrack, RequestInit, Response, RtcConfiguration, RtcIceServer, RtcPeerConnection,
    RtcPeerConnectionState, RtcRtpTransceiverDirection, RtcRtpTransceiverInit, RtcSdpType,
    RtcSessionDescriptionInit, RtcTrackEvent,
};

use super::{Device, IceServers, Link};

fn message(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

async fn sleep(ms: u32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// The cameras and microphones the browser offers (labelled once the page may use them).
pub async fn devices() -> Result<Vec<Device>, String> {
    let media = web_sys::window()
        .ok_or("no window")?
        .navigator()
        .media_devices()
        .map_err(message)?;
    let list = JsFuture::from(media.enumerate_devices().map_err(message)?)
        .await
        .map_err(message)?;
    Ok(Array::from(&list)
        .iter()
        .filter_map(|d| d.dyn_into::<MediaDeviceInfo>().ok())
        .filter_map(|d| {
            let video = match d.kind() {
                MediaDeviceKind::Videoinput => true,
                MediaDeviceKind::Audioinput => false,
                _ => return None,
            };
            Some(Device {
                id: d.device_id(),
                label: d.label(),
                video,
            })
        })
        .collect())
}

/// Opens the camera and microphone (`None`: the browser's default one).
pub async fn camera(video: Option<String>, audio: Option<String>) -> Result<MediaStream, String> {
    let pick = |device: Option<String>| -> JsValue {
        match device {
            None => JsValue::TRUE,
            Some(id) => {
                let exact = Object::new();
                let _ = Reflect::set(&exact, &"exact".into(), &id.into());
                let constraint = Object::new();
                let _ = Reflect::set(&constraint, &"deviceId".into(), &exact);
                constraint.into()
            }
        }
    };
    let constraints = MediaStreamConstraints::new();
    constraints.set_video(&pick(video));
    constraints.set_audio(&pick(audio));
    let media = web_sys::window()
        .ok_or("no window")?
        .navigator()
        .media_devices()
        .map_err(message)?;
    let stream = JsFuture::from(
        media
            .get_user_media_with_constraints(&constraints)
            .map_err(message)?,
    )
    .await
    .map_err(message)?;
    stream.dyn_into::<MediaStream>().map_err(message)
}

/// Stops every track of `stream` (the camera light goes off).
pub fn stop(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// Turns `stream`'s audio (or video) on or off without renegotiating.
pub fn set_enabled(stream: &MediaStream, audio: bool, on: bool) {
    let tracks = if audio {
        stream.get_audio_tracks()
    } else {
        stream.get_video_tracks()
    };
    for track in tracks.iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.set_enabled(on);
        }
    }
}

/// Why a session could not be opened.
enum Failure {
    /// Not on air yet, or the server is busy or down: ask again after this many milliseconds.
    Later(u32),
    /// Refused for good (a wrong token, a slot that is over): the reason.
    Refused(String),
}

/// One WHIP or WHEP session.
struct Session {
    pc: RtcPeerConnection,
    location: Option<String>,
}

impl Session {
    /// Closes the connection and tells the server (`DELETE`), without waiting for it.
    fn close(self) {
        self.pc.close();
        if let Some(location) = self.location {
            let init = RequestInit::new();
            init.set_method("DELETE");
            if let Some(w) = web_sys::window() {
                let _ = w.fetch_with_str_and_init(&location, &init);
            }
        }
    }
}

fn peer(ice: &IceServers) -> Result<RtcPeerConnection, String> {
    let config = RtcConfiguration::new();
    if !ice.urls.is_empty() {
        let servers = Array::new();
        for url in &ice.urls {
            let server = RtcIceServer::new();
            server.set_urls(&JsValue::from_str(url));
            if let (true, Some((username, credential))) = (url.starts_with("turn"), &ice.turn_login)
            {
                server.set_username(username);
                server.set_credential(credential);
            }
            servers.push(&server);
        }
        config.set_ice_servers(&servers);
    }
    RtcPeerConnection::new_with_configuration(&config).map_err(message)
}

/// Opens a session at `url`: sending `send`'s tracks (WHIP, with `bearer`) or receiving into
/// `video` (WHEP).
async fn open(
    url: &str,
    bearer: Option<&str>,
    ice: &IceServers,
    send: Option<&MediaStream>,
    video: &HtmlVideoElement,
) -> Result<Session, Failure> {
    let retry = |e: JsValue| {
        leptos::logging::warn!("video: {}", message(e));
        Failure::Later(3_000)
    };
    let pc = peer(ice).map_err(Failure::Refused)?;
    let init = RtcRtpTransceiverInit::new();
    match send {
        Some(stream) => {
            init.set_direction(RtcRtpTransceiverDirection::Sendonly);
            init.set_streams(&Array::of1(stream));
            for track in stream.get_tracks().iter() {
                if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
                    pc.add_transceiver_with_media_stream_track_and_init(&track, &init);
                }
            }
        }
        None => {
            init.set_direction(RtcRtpTransceiverDirection::Recvonly);
            pc.add_transceiver_with_str_and_init("audio", &init);
            pc.add_transceiver_with_str_and_init("video", &init);
            let incoming = MediaStream::new().map_err(retry)?;
            video.set_src_object(Some(&incoming));
            // Owned by JS from here: collected with the connection.
            let on_track = Closure::<dyn FnMut(RtcTrackEvent)>::new(move |e: RtcTrackEvent| {
                incoming.add_track(&e.track());
            })
            .into_js_value();
            pc.set_ontrack(Some(on_track.unchecked_ref()));
        }
    }
    // For diagnostics, and the end-to-end tests that read its statistics.
    let _ = Reflect::set(video, &"rtc".into(), &pc);
    let offer = JsFuture::from(pc.create_offer()).await.map_err(retry)?;
    let sdp = Reflect::get(&offer, &"sdp".into())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    let description = RtcSessionDescriptionInit::new(RtcSdpType::Offer);
    description.set_sdp(&sdp);
    JsFuture::from(pc.set_local_description(&description))
        .await
        .map_err(retry)?;

    let headers = web_sys::Headers::new().map_err(retry)?;
    headers
        .set("Content-Type", "application/sdp")
        .map_err(retry)?;
    if let Some(token) = bearer {
        headers
            .set("Authorization", &format!("Bearer {token}"))
            .map_err(retry)?;
    }
    let request = RequestInit::new();
    request.set_method("POST");
    request.set_headers(&headers);
    request.set_body(&JsValue::from_str(&sdp));
    let window = web_sys::window().ok_or(Failure::Later(3_000))?;
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &request))
        .await
        .map_err(retry)?
        .dyn_into()
        .map_err(retry)?;
    let text = JsFuture::from(response.text().map_err(retry)?)
        .await
        .map_err(retry)?
        .as_string()
        .unwrap_or_default();
    match response.status() {
        201 => {}
        // Not on air, too many requests, or the server is failing or restarting: ask again.
        409 | 429 | 500..=599 => {
            pc.close();
            let secs = response
                .headers()
                .get("Retry-After")
                .ok()
                .flatten()
                .and_then(|s| s.parse::<u32>().ok())
                .unwrap_or(5);
            return Err(Failure::Later(secs.clamp(1, 60) * 1_000));
        }
        _ => {
            pc.close();
            return Err(Failure::Refused(text));
        }
    }
    // The session's URL, absolute: `Location` is relative to the endpoint, which may itself be
    // relative to the page (the built-in server).
    let page = window.location().href().unwrap_or_default();
    let location = response
        .headers()
        .get("Location")
        .ok()
        .flatten()
        .and_then(|l| {
            let endpoint = web_sys::Url::new_with_base(url, &page).ok()?;
            web_sys::Url::new_with_base(&l, &endpoint.href()).ok()
        })
        .map(|u| u.href());
    // Beside the connection, for the same readers.
    if let Some(location) = &location {
        let _ = Reflect::set(video, &"session".into(), &location.into());
    }
    let answer = RtcSessionDescriptionInit::new(RtcSdpType::Answer);
    answer.set_sdp(&text);
    if let Err(e) = JsFuture::from(pc.set_remote_description(&answer)).await {
        pc.close();
        return Err(Failure::Refused(message(e)));
    }
    Ok(Session { pc, location })
}

/// Keeps a session to one stream open until dropped: reopens it after a network drop, and
/// asks again while the stream is not on air.
pub struct Keeper {
    stopped: Rc<Cell<bool>>,
    session: Rc<RefCell<Option<Session>>>,
}

impl Keeper {
    /// Publishes `send` (with `bearer`) or plays into `video`, reporting through `on_link`.
    pub fn start(
        url: String,
        bearer: Option<String>,
        ice: IceServers,
        send: Option<MediaStream>,
        video: HtmlVideoElement,
        on_link: impl Fn(Link) + 'static,
    ) -> Keeper {
        let keeper = Keeper {
            stopped: Rc::default(),
            session: Rc::default(),
        };
        let (stopped, slot) = (keeper.stopped.clone(), keeper.session.clone());
        leptos::task::spawn_local(async move {
            let mut tries = 0u32;
            while !stopped.get() {
                on_link(if tries == 0 {
                    Link::Connecting
                } else {
                    Link::Reconnecting
                });
                let opened = open(&url, bearer.as_deref(), &ice, send.as_ref(), &video).await;
                if stopped.get() {
                    if let Ok(session) = opened {
                        session.close();
                    }
                    return;
                }
                let wait = match opened {
                    Err(Failure::Refused(reason)) => return on_link(Link::Refused(reason)),
                    Err(Failure::Later(ms)) => {
                        on_link(Link::Waiting);
                        ms
                    }
                    Ok(session) => {
                        let pc = session.pc.clone();
                        slot.replace(Some(session));
                        let playing = send.is_none().then_some(&video);
                        watch(&pc, playing, &stopped, &on_link).await;
                        if let Some(session) = slot.take() {
                            session.close();
                        }
                        if stopped.get() {
                            return;
                        }
                        on_link(Link::Reconnecting);
                        tries += 1;
                        // 1, 2, 4, 8 seconds between attempts after a drop.
                        1_000 << tries.min(4).saturating_sub(1)
                    }
                };
                sleep(wait).await;
            }
        });
        keeper
    }
}

/// Waits while the connection lives, telling its state; returns when it failed, stayed
/// disconnected for five seconds, or the keeper stopped. A player is live once its video shows
/// frames: connected before the publisher starts, it is waiting.
async fn watch(
    pc: &RtcPeerConnection,
    playing: Option<&HtmlVideoElement>,
    stopped: &Cell<bool>,
    on_link: &impl Fn(Link),
) {
    let mut shown = None;
    let mut disconnected_for = 0;
    while !stopped.get() {
        let state = pc.connection_state();
        let link = match state {
            RtcPeerConnectionState::Connected => match playing {
                Some(video) if video.video_width() == 0 => Link::Waiting,
                _ => Link::Live,
            },
            RtcPeerConnectionState::Failed | RtcPeerConnectionState::Closed => return,
            RtcPeerConnectionState::Disconnected => {
                disconnected_for += 1;
                if disconnected_for > 10 {
                    return;
                }
                Link::Reconnecting
            }
            _ => Link::Connecting,
        };
        if state != RtcPeerConnectionState::Disconnected {
            disconnected_for = 0;
        }
        if shown.as_ref() != Some(&link) {
            shown = Some(link.clone());
            on_link(link);
        }
        sleep(500).await;
    }
}

impl Drop for Keeper {
    fn drop(&mut self) {
        self.stopped.set(true);
        if let Some(session) = self.session.take() {
            session.close();
        }
    }
}
