//! Live video over the built-in media server: WHIP and WHEP status codes and headers, media
//! from a publisher reaching every viewer, who may publish which stream (the host's key, the
//! fan's token only while on stage), the guest's stream ending with the slot, a replaced key
//! ending the host's, and the per-address limit on session requests. The peers are str0m
//! clients on loopback.

use std::time::{Duration, Instant};

use app::live::types::{EventState, SlotState};
use app::live::video::api::Publishing;
use app::ssr::Db;
use reqwest::{Client, StatusCode};
use server::media::peer::{post_offer, Counts, Peer};

use crate::common::{spawn_app, spawn_app_with, top_up, TestApp};
use crate::live::schedule;

/// A creator with a scheduled event; returns their client, the event and its publishing setup.
async fn host_event(app: &TestApp, handle: &str) -> (Client, i64, Publishing) {
    let host = app.client();
    app.sign_up(&host, "creator", handle).await;
    let id = schedule(app, &host).await;
    let publishing: Publishing = app
        .call_ok(&host, "get_publishing", &[("id", &id.to_string())])
        .await;
    (host, id, publishing)
}

async fn start(app: &TestApp, host: &Client, id: i64) {
    let _: EventState = app
        .call_ok(
            host,
            "run_event",
            &[("id", &id.to_string()), ("step", "start")],
        )
        .await;
}

fn whep(app: &TestApp, id: i64, seat: &str) -> String {
    app.url(&format!("/stream/{id}/{seat}/whep"))
}

fn whip(app: &TestApp, id: i64, seat: &str) -> String {
    app.url(&format!("/stream/{id}/{seat}/whip"))
}

/// A syntactically valid offer with audio and video, as any WebRTC client makes.
fn offer() -> String {
    let mut rtc = str0m::Rtc::builder().build(Instant::now());
    let mut change = rtc.sdp_api();
    let dir = str0m::media::Direction::SendOnly;
    change.add_media(str0m::media::MediaKind::Audio, dir, None, None, None);
    change.add_media(str0m::media::MediaKind::Video, dir, None, None, None);
    change.apply().unwrap().0.to_sdp_string()
}

/// Runs every peer for `secs` seconds at once; returns what each counted.
async fn run_all(peers: Vec<Peer>, secs: u64) -> Vec<anyhow::Result<Counts>> {
    let until = Instant::now() + Duration::from_secs(secs);
    let tasks: Vec<_> = peers
        .into_iter()
        .map(|mut p| tokio::spawn(async move { p.run_until(until).await }))
        .collect();
    let mut counts = Vec::new();
    for task in tasks {
        counts.push(task.await.unwrap());
    }
    counts
}

#[tokio::test]
async fn a_publisher_reaches_every_viewer_through_whip_and_whep() {
    let app = spawn_app().await;
    let (host, id, publishing) = host_event(&app, "video_host").await;
    assert_eq!(publishing.whip_url, whip(&app, id, "host"));
    let http = app.client();

    // Not live yet: viewers are told to come back.
    let early = post_offer(&http, &whep(&app, id, "host"), None, offer())
        .await
        .unwrap();
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.headers["retry-after"], "5");
    start(&app, &host, id).await;

    let key = publishing.stream_key.as_str();
    let publisher = Peer::open(&http, &publishing.whip_url, Some(key), true)
        .await
        .unwrap();
    assert!(publisher.location.starts_with("/stream/sessions/"));
    let viewers = [
        Peer::open(&http, &whep(&app, id, "host"), None, false)
            .await
            .unwrap(),
        Peer::open(&http, &whep(&app, id, "host"), None, false)
            .await
            .unwrap(),
        Peer::open(&http, &whep(&app, id, "host"), None, false)
            .await
            .unwrap(),
    ];
    let mut peers = vec![publisher];
    peers.extend(viewers);
    let counts = run_all(peers, 3).await;
    let sent = counts[0].as_ref().unwrap();
    assert!(sent.video_frames >= 60, "{sent:?}");
    for got in &counts[1..] {
        let got = got.as_ref().unwrap();
        assert!(got.connected);
        // Viewers join a second into the stream at worst: most frames arrive.
        assert!(
            got.video_frames >= sent.video_frames / 2,
            "{got:?} of {sent:?}"
        );
        assert!(got.audio_frames >= 50, "{got:?}");
    }
    // The media server's counters are on /metrics (read from this machine).
    let metrics = http.get(app.url("/metrics")).send().await.unwrap();
    let metrics = metrics.text().await.unwrap();
    for counter in [
        "tremplin_media_up 1",
        "tremplin_media_sessions_opened_total{side=\"viewer\"}",
        "tremplin_media_sent_bytes_total",
    ] {
        assert!(metrics.contains(counter), "{counter} missing");
    }
}

#[tokio::test]
async fn whip_refuses_bad_requests_with_the_right_status() {
    let app = spawn_app().await;
    let (host, id, publishing) = host_event(&app, "video_refusals").await;
    let (_, other, other_publishing) = host_event(&app, "video_other").await;
    start(&app, &host, id).await;
    let http = app.client();
    let url = whip(&app, id, "host");
    let key = publishing.stream_key.as_str();

    let missing = post_offer(&http, &url, None, offer()).await.unwrap();
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(missing.headers["www-authenticate"], "Bearer");
    for wrong in ["not-the-key", other_publishing.stream_key.as_str()] {
        let answered = post_offer(&http, &url, Some(wrong), offer()).await.unwrap();
        assert_eq!(
            answered.status,
            StatusCode::UNAUTHORIZED,
            "{}",
            answered.body
        );
    }
    let not_sdp = http
        .post(&url)
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(not_sdp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let garbage = post_offer(&http, &url, Some(key), "v=0\r\nnonsense".into())
        .await
        .unwrap();
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    // A fixed reason: the parser's own message quoted heap addresses.
    assert_eq!(garbage.body, server::media::http::MALFORMED_OFFER);
    let viewer_garbage = post_offer(&http, &whep(&app, id, "host"), None, "v=0\r\nx".into())
        .await
        .unwrap();
    assert_eq!(viewer_garbage.status, StatusCode::BAD_REQUEST);
    assert_eq!(viewer_garbage.body, server::media::http::MALFORMED_OFFER);
    let huge = post_offer(&http, &url, Some(key), "a".repeat(100_000))
        .await
        .unwrap();
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    for path in [
        format!("/stream/{id}/backstage/whip"),
        "/stream/x/host/whip".into(),
    ] {
        let answered = post_offer(&http, &app.url(&path), Some(key), offer())
            .await
            .unwrap();
        assert_eq!(answered.status, StatusCode::NOT_FOUND, "{path}");
    }
    let unknown = post_offer(&http, &whep(&app, other + 100, "host"), None, offer())
        .await
        .unwrap();
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // One publisher per stream; trickle ICE is not offered.
    let first = post_offer(&http, &url, Some(key), offer()).await.unwrap();
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(first.headers["content-type"], "application/sdp");
    assert!(first.headers.contains_key("etag"));
    assert!(first.body.starts_with("v=0"));
    let location = app.url(first.headers["location"].to_str().unwrap());
    let second = post_offer(&http, &url, Some(key), offer()).await.unwrap();
    assert_eq!(second.status, StatusCode::CONFLICT);
    let patch = http.patch(&location).send().await.unwrap();
    assert_eq!(patch.status(), StatusCode::METHOD_NOT_ALLOWED);

    // DELETE ends the session, after which the stream is free again.
    assert_eq!(
        http.delete(&location).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        http.delete(&location).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let again = post_offer(&http, &url, Some(key), offer()).await.unwrap();
    assert_eq!(again.status, StatusCode::CREATED);

    // A new key ends what the old one publishes and refuses it from then on.
    let _: () = app
        .call_ok(&host, "new_stream_key", &[("id", &id.to_string())])
        .await;
    let location = app.url(again.headers["location"].to_str().unwrap());
    assert_eq!(
        http.delete(&location).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let old = post_offer(&http, &url, Some(key), offer()).await.unwrap();
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    // Only the host reads or replaces the key.
    let stranger = app.client();
    app.sign_up(&stranger, "creator", "video_stranger").await;
    assert_eq!(
        app.call(&stranger, "get_publishing", &[("id", &id.to_string())])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_fan_on_stage_publishes_with_a_token_that_ends_with_the_slot() {
    let app = spawn_app().await;
    let (host, id, _) = host_event(&app, "video_stage").await;
    let id_s = id.to_string();
    let fan = app.client();
    app.sign_up(&fan, "fan", "video_fan").await;
    let db = Db::connect(&app.database_url).await.unwrap();
    top_up(&db, app.me(&fan).await.unwrap().id, 5_000).await;
    let slot: i64 = app
        .call_ok(
            &fan,
            "book_slot",
            &[("id", &id_s), ("key", "video"), ("price", "1500")],
        )
        .await;
    let slot_s = slot.to_string();
    let step = |client: &Client, step: &'static str| {
        let (client, slot_s, app) = (client.clone(), slot_s.clone(), &app);
        async move {
            let to: SlotState = app
                .call_ok(
                    &client,
                    "take_slot_step",
                    &[("id", &slot_s), ("step", step)],
                )
                .await;
            to
        }
    };
    // No token before the fan is called, and none for someone else's slot.
    assert_eq!(
        app.call(&fan, "get_stage_token", &[("slot", &slot_s)])
            .await
            .status(),
        StatusCode::CONFLICT
    );
    start(&app, &host, id).await;
    step(&host, "call").await;
    assert_eq!(
        app.call(&host, "get_stage_token", &[("slot", &slot_s)])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let token: String = app
        .call_ok(&fan, "get_stage_token", &[("slot", &slot_s)])
        .await;
    let http = app.client();
    let url = whip(&app, id, "guest");

    // Backstage: the camera is only previewed; viewers have no guest to watch.
    let early = post_offer(&http, &url, Some(&token), offer())
        .await
        .unwrap();
    assert_eq!(early.status, StatusCode::FORBIDDEN);
    let nobody = post_offer(&http, &whep(&app, id, "guest"), None, offer())
        .await
        .unwrap();
    assert_eq!(nobody.status, StatusCode::CONFLICT);
    // The token does not publish the host's stream, nor another event's guest.
    let as_host = post_offer(&http, &whip(&app, id, "host"), Some(&token), offer())
        .await
        .unwrap();
    assert_eq!(as_host.status, StatusCode::UNAUTHORIZED);
    let (_, other, _) = host_event(&app, "video_elsewhere").await;
    let elsewhere = post_offer(&http, &whip(&app, other, "guest"), Some(&token), offer())
        .await
        .unwrap();
    assert_eq!(elsewhere.status, StatusCode::UNAUTHORIZED);

    step(&fan, "ready").await;
    step(&host, "on_stage").await;
    let guest = Peer::open(&http, &url, Some(&token), true).await.unwrap();
    let guest_location = app.url(&guest.location);
    let viewer = Peer::open(&http, &whep(&app, id, "guest"), None, false)
        .await
        .unwrap();
    let counts = run_all(vec![guest, viewer], 2).await;
    let seen = counts[1].as_ref().unwrap();
    assert!(seen.video_frames >= 15, "{seen:?}");

    // The host finishes the slot: the guest's session is gone and the token is spent.
    assert_eq!(step(&host, "finish").await, SlotState::Done);
    let gone = http.delete(&guest_location).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    let spent = post_offer(&http, &url, Some(&token), offer())
        .await
        .unwrap();
    assert_eq!(spent.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_flood_of_session_requests_is_limited_per_address() {
    let app = spawn_app_with(&[("TREMPLIN_MEDIA_SESSIONS_PER_MINUTE", "3")]).await;
    let (host, id, _) = host_event(&app, "video_flood").await;
    start(&app, &host, id).await;
    let http = app.client();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let answered = post_offer(&http, &whep(&app, id, "host"), None, offer())
            .await
            .unwrap();
        statuses.push(answered.status);
        if answered.status == StatusCode::TOO_MANY_REQUESTS {
            assert!(answered.headers.contains_key("retry-after"));
        }
    }
    assert_eq!(
        statuses,
        [
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

#[tokio::test]
async fn a_viewer_that_stalls_is_dropped_without_hurting_the_others() {
    let app = spawn_app().await;
    let (host, id, publishing) = host_event(&app, "video_stall").await;
    start(&app, &host, id).await;
    let http = app.client();
    let key = publishing.stream_key.as_str();
    let open = |publish: bool| {
        let (http, url) = (
            http.clone(),
            if publish {
                publishing.whip_url.clone()
            } else {
                whep(&app, id, "host")
            },
        );
        async move {
            Peer::open(&http, &url, publish.then_some(key), publish)
                .await
                .unwrap()
        }
    };
    let (mut publisher, mut steady, mut stalling) =
        (open(true).await, open(false).await, open(false).await);
    let stalled_at = app.url(&stalling.location);
    let start = Instant::now();
    // The stalling viewer plays for a second, then stops answering: its task ends, its socket
    // closes. The others run on.
    let stall =
        tokio::spawn(async move { stalling.run_until(start + Duration::from_secs(1)).await });
    let others = tokio::spawn(async move {
        let until = start + Duration::from_secs(6);
        let (sent, got) = tokio::join!(publisher.run_until(until), steady.run_until(until));
        (sent.unwrap(), got.unwrap())
    });
    assert!(stall.await.unwrap().unwrap().connected);
    let (sent, got) = others.await.unwrap();
    assert!(
        got.video_frames + 15 >= sent.video_frames,
        "{got:?} of {sent:?}"
    );

    // Past the 15 s in which a peer must renew its consent, the stalled session is gone.
    tokio::time::sleep(Duration::from_secs(13)).await;
    assert_eq!(
        http.delete(&stalled_at).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
}

/// What a stand-in MediaMTX holds: its sessions (id, path, state) and the ids kicked.
#[derive(Clone, Default)]
struct MediaMtx {
    sessions: std::sync::Arc<std::sync::Mutex<Vec<(String, String, String)>>>,
    kicked: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// A stand-in for MediaMTX's control API, which is not on this machine: it lists the sessions
/// two to a page, as the real one pages them, and records what is kicked. Returns its URL.
async fn control_api(mtx: MediaMtx) -> String {
    use axum::extract::{Path, Query, State};
    use axum::routing::{get, post};
    async fn list(
        State(mtx): State<MediaMtx>,
        Query(q): Query<std::collections::HashMap<String, usize>>,
    ) -> axum::Json<serde_json::Value> {
        let sessions = mtx.sessions.lock().unwrap();
        let page = q.get("page").copied().unwrap_or(0);
        let items: Vec<_> = sessions
            .iter()
            .skip(page * 2)
            .take(2)
            .map(|(id, path, state)| serde_json::json!({"id": id, "path": path, "state": state}))
            .collect();
        axum::Json(serde_json::json!({
            "pageCount": sessions.len().div_ceil(2), "itemCount": sessions.len(), "items": items
        }))
    }
    async fn kick(State(mtx): State<MediaMtx>, Path(id): Path<String>) {
        mtx.kicked.lock().unwrap().push(id);
    }
    let router = axum::Router::new()
        .route("/v3/webrtcsessions/list", get(list))
        .route("/v3/webrtcsessions/kick/{id}", post(kick))
        .with_state(mtx);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

#[tokio::test]
async fn an_external_media_server_asks_who_may_publish_and_watch() {
    let mtx = MediaMtx::default();
    let api = control_api(mtx.clone()).await;
    let app = spawn_app_with(&[
        ("TREMPLIN_MEDIA", "external"),
        ("TREMPLIN_MEDIA_URL", "https://media.example.test:8889/"),
        ("TREMPLIN_MEDIA_API", api.as_str()),
    ])
    .await;
    let (host, id, publishing) = host_event(&app, "video_external").await;
    // Who is on MediaMTX when the event ends: its viewers, its host and guest publishing, and
    // another event's host, over three pages.
    *mtx.sessions.lock().unwrap() = [
        ("other", "999/host".to_owned(), "publish"),
        ("viewer", format!("{id}/host"), "read"),
        ("host", format!("{id}/host"), "publish"),
        ("guest-viewer", format!("{id}/guest"), "read"),
        ("guest", format!("{id}/guest"), "publish"),
    ]
    .map(|(i, p, s)| (i.to_owned(), p, s.to_owned()))
    .to_vec();
    assert_eq!(
        publishing.whip_url,
        format!("https://media.example.test:8889/{id}/host/whip")
    );
    let http = app.client();
    let ask = |action: &'static str, seat: &'static str, token: String| {
        let (http, url) = (http.clone(), app.url("/stream/auth"));
        async move {
            let body = serde_json::json!({
                "user": "", "password": "", "token": token, "ip": "203.0.113.9",
                "action": action, "path": format!("{id}/{seat}"), "protocol": "webrtc",
                "id": null, "query": ""
            });
            http.post(url).json(&body).send().await.unwrap().status()
        }
    };
    let key = publishing.stream_key.clone();
    assert_eq!(ask("publish", "host", key.clone()).await, StatusCode::OK);
    assert_eq!(
        ask("publish", "host", "wrong".into()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        ask("publish", "guest", key.clone()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        ask("read", "host", String::new()).await,
        StatusCode::UNAUTHORIZED
    );
    start(&app, &host, id).await;
    assert_eq!(ask("read", "host", String::new()).await, StatusCode::OK);
    assert_eq!(
        ask("read", "guest", String::new()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(ask("playback", "host", key).await, StatusCode::UNAUTHORIZED);
    // No built-in server: its WHIP and WHEP routes are not there.
    let local = post_offer(&http, &whip(&app, id, "host"), None, offer())
        .await
        .unwrap();
    assert_eq!(local.status, StatusCode::NOT_FOUND);
    assert!(mtx.kicked.lock().unwrap().is_empty());

    // The event ends: both its publishers are kicked, nobody else.
    let _: EventState = app
        .call_ok(
            &host,
            "run_event",
            &[("id", &id.to_string()), ("step", "end")],
        )
        .await;
    let waited = Instant::now();
    while mtx.kicked.lock().unwrap().len() < 2 && waited.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut kicked = mtx.kicked.lock().unwrap().clone();
    kicked.sort();
    assert_eq!(kicked, ["guest", "host"]);
    assert_eq!(
        ask("publish", "host", publishing.stream_key).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn h264_from_an_encoder_reaches_viewers_that_offer_vp8_and_h264() {
    let app = spawn_app().await;
    let (host, id, publishing) = host_event(&app, "video_obs").await;
    start(&app, &host, id).await;
    let http = app.client();
    // Like OBS: H.264 and Opus only.
    let encoder = Peer::open_with(
        &http,
        &publishing.whip_url,
        Some(&publishing.stream_key),
        true,
        str0m::format::Codec::H264,
    )
    .await
    .unwrap();
    let viewer = Peer::open(&http, &whep(&app, id, "host"), None, false)
        .await
        .unwrap();
    let counts = run_all(vec![encoder, viewer], 3).await;
    let (sent, got) = (counts[0].as_ref().unwrap(), counts[1].as_ref().unwrap());
    assert!(
        got.video_frames + 30 >= sent.video_frames,
        "{got:?} of {sent:?}"
    );
    assert!(got.video_frames >= 30, "{got:?}");
}
