//! The live room: numbered messages over the WebSocket (in order, once, resumed after the last
//! one seen), gifts and donations paying the host at 0%, moderation and bad input, and a
//! message crossing from one server process to another on PostgreSQL.

use std::time::Duration;

use app::error::{AppError, Problem};
use app::ledger::types::{AccountRef, Currency};
use app::live::room::store::{self as room, NewMessage};
use app::live::room::types::{Frame, MessageKind, Mute, Receipt, Room, RoomMessage};
use app::ssr::Db;
use futures::{SinkExt, StreamExt};
use reqwest::Client;
use tokio_tungstenite::tungstenite::Message;

use crate::common::{available, fresh_db, person, spawn_app, top_up, Server, TestApp};
use crate::live::schedule;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the room of `event` on the server at `base` (`http://…`), as a page does.
async fn watch(base: &str, event: i64, after: Option<i64>) -> Socket {
    let after = after.map(|a| format!("?after={a}")).unwrap_or_default();
    let url = format!(
        "{}/live/{event}/room{after}",
        base.replace("http://", "ws://")
    );
    tokio_tungstenite::connect_async(url).await.unwrap().0
}

/// The next frame, answering pings; fails the test after 10 s of silence.
async fn frame(ws: &mut Socket) -> Frame {
    loop {
        let Ok(Some(next)) = tokio::time::timeout(Duration::from_secs(10), ws.next()).await else {
            panic!("no frame within 10 s, or the socket closed");
        };
        let next = next.unwrap();
        match next {
            Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            Message::Ping(p) => ws.send(Message::Pong(p)).await.unwrap(),
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

/// What the room sends before its first viewer count: the backlog, or what was missed.
async fn caught_up(ws: &mut Socket) -> Vec<RoomMessage> {
    let mut messages = Vec::new();
    loop {
        match frame(ws).await {
            Frame::Message(m) => messages.push(m),
            Frame::Viewers { .. } => return messages,
            Frame::Refresh => {}
        }
    }
}

/// The next numbered message, past viewer counts and refreshes.
async fn next_message(ws: &mut Socket) -> RoomMessage {
    loop {
        if let Frame::Message(m) = frame(ws).await {
            return m;
        }
    }
}

fn seqs(messages: &[RoomMessage]) -> Vec<i64> {
    messages.iter().map(|m| m.seq).collect()
}

/// A creator's scheduled event and a signed-up fan with `money` cents: (host, fan, fan id,
/// event id).
async fn room_with_fan(app: &TestApp, money: i64) -> (Client, Client, i64, i64) {
    let host = app.client();
    app.sign_up(&host, "creator", "room_host").await;
    let id = schedule(app, &host).await;
    let fan = app.client();
    app.sign_up(&fan, "fan", "room_fan").await;
    let fan_id = app.me(&fan).await.unwrap().id;
    if money > 0 {
        let db = Db::connect(&app.database_url).await.unwrap();
        top_up(&db, fan_id, money).await;
    }
    (host, fan, fan_id, id)
}

async fn chat(app: &TestApp, who: &Client, id: i64, text: &str) -> reqwest::Response {
    app.call(who, "send_chat", &[("id", &id.to_string()), ("text", text)])
        .await
}

#[tokio::test]
async fn viewers_get_every_message_once_in_order_and_resume_after_the_last_they_saw() {
    let app = spawn_app().await;
    let (_host, fan, fan_id, id) = room_with_fan(&app, 0).await;
    let mut early = watch(&app.url(""), id, None).await;
    assert!(caught_up(&mut early).await.is_empty());
    for text in ["one", "two", "three"] {
        assert!(chat(&app, &fan, id, text).await.status().is_success());
    }
    let got = [
        next_message(&mut early).await,
        next_message(&mut early).await,
        next_message(&mut early).await,
    ];
    assert_eq!(seqs(&got), vec![1, 2, 3]);
    assert_eq!(got[2].body, "three");
    assert_eq!(got[0].kind, MessageKind::Chat);
    assert_eq!(
        got[0].author.as_ref().map(|a| a.handle.as_str()),
        Some("room_fan")
    );
    drop(early);

    // Said while the viewer was away: a reconnection after 3 brings exactly 4 and 5.
    for text in ["four", "five"] {
        assert!(chat(&app, &fan, id, text).await.status().is_success());
    }
    let mut back = watch(&app.url(""), id, Some(3)).await;
    let missed = caught_up(&mut back).await;
    assert_eq!(seqs(&missed), vec![4, 5]);
    assert_eq!(missed[1].body, "five");
    drop(back);

    // Five messages in ten seconds is the most one person may send.
    let error: AppError = chat(&app, &fan, id, "six").await.json().await.unwrap();
    assert!(
        matches!(error.problem_for("text"), Some(Problem::SlowMode { .. })),
        "{error:?}"
    );

    // A newcomer is shown the last 50.
    let db = Db::connect(&app.database_url).await.unwrap();
    for i in 0..60 {
        let m = NewMessage::new(MessageKind::Chat, Some(fan_id), format!("bulk {i}"));
        room::append(&db, id, m, app::ssr::now()).await.unwrap();
    }
    let mut newcomer = watch(&app.url(""), id, None).await;
    let backlog = caught_up(&mut newcomer).await;
    assert_eq!(seqs(&backlog), (16..=65).collect::<Vec<_>>());
    // The page reads the same backlog before its socket connects.
    let r: Room = app
        .call_ok(&app.client(), "get_room", &[("id", &id.to_string())])
        .await;
    assert_eq!(r.backlog, backlog);
    assert!(r.open && !r.moderating);

    // A room that does not exist is not found, not an open socket.
    let url = app.url("/live/999999/room").replace("http://", "ws://");
    assert!(tokio_tungstenite::connect_async(url).await.is_err());
}

#[tokio::test]
async fn one_address_holds_a_bounded_number_of_room_sockets() {
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Error};
    let app = crate::common::spawn_app_with(&[
        ("TREMPLIN_TRUSTED_PROXIES", "127.0.0.1"),
        ("TREMPLIN_ROOM_SOCKETS_PER_ADDRESS", "3"),
    ])
    .await;
    let host = app.client();
    app.sign_up(&host, "creator", "sockets_host").await;
    let id = schedule(&app, &host).await;
    let open = |ip: &'static str| {
        let url = app
            .url(&format!("/live/{id}/room"))
            .replace("http://", "ws://");
        async move {
            let mut request = url.into_client_request().unwrap();
            request
                .headers_mut()
                .insert("x-forwarded-for", ip.parse().unwrap());
            tokio_tungstenite::connect_async(request)
                .await
                .map(|(ws, _)| ws)
        }
    };
    let mut held = Vec::new();
    for i in 0..3 {
        held.push(
            open("198.51.100.20")
                .await
                .unwrap_or_else(|e| panic!("socket {i}: {e}")),
        );
    }
    match open("198.51.100.20").await {
        Err(Error::Http(response)) => {
            assert_eq!(response.status(), reqwest::StatusCode::TOO_MANY_REQUESTS);
            assert!(response.headers().contains_key("retry-after"));
        }
        other => panic!("a fourth socket from one address: {:?}", other.map(|_| ())),
    }
    // Another address is not held back, and the socket still open keeps getting frames.
    let mut neighbour = open("198.51.100.21").await.unwrap();
    caught_up(&mut neighbour).await;
    caught_up(&mut held[0]).await;
    // A socket that closes gives its place back.
    held.pop().unwrap().close(None).await.unwrap();
    let waited = std::time::Instant::now();
    let again = loop {
        match open("198.51.100.20").await {
            Ok(ws) => break ws,
            Err(_) if waited.elapsed() < Duration::from_secs(5) => {
                tokio::time::sleep(Duration::from_millis(50)).await
            }
            Err(e) => panic!("the place was not given back: {e}"),
        }
    };
    drop(again);
}

#[tokio::test]
async fn twenty_fans_chatting_at_once_reach_a_viewer_in_order_once_each() {
    let app = spawn_app().await;
    let host = app.client();
    app.sign_up(&host, "creator", "busy_host").await;
    let id = schedule(&app, &host).await;
    let mut fans = Vec::new();
    for i in 0..20 {
        let fan = app.client();
        app.sign_up(&fan, "fan", &format!("busy_fan_{i}")).await;
        fans.push(fan);
    }
    let mut viewer = watch(&app.url(""), id, None).await;
    caught_up(&mut viewer).await;
    let app = std::sync::Arc::new(app);
    let sends: Vec<_> = fans
        .into_iter()
        .enumerate()
        .map(|(i, fan)| {
            let app = app.clone();
            tokio::spawn(async move { chat(&app, &fan, id, &format!("hello {i}")).await.status() })
        })
        .collect();
    for send in sends {
        assert!(send.await.unwrap().is_success());
    }
    let mut got = Vec::new();
    for _ in 0..20 {
        got.push(next_message(&mut viewer).await);
    }
    assert_eq!(seqs(&got), (1..=20).collect::<Vec<_>>());
    let mut bodies: Vec<_> = got.iter().map(|m| m.body.clone()).collect();
    bodies.sort();
    bodies.dedup();
    assert_eq!(bodies.len(), 20);
}

#[tokio::test]
async fn fifty_messages_stored_at_once_are_numbered_one_to_fifty() {
    let (_dir, db) = fresh_db().await;
    let host = person(&db, "numbers_host", app::accounts::types::Role::Creator).await;
    let e = app::live::store::NewEvent {
        title: "Numbers".into(),
        description: String::new(),
        starts_at: app::ssr::now() + 3_600,
        planned_secs: 3_600,
        offers: app::live::types::Offers {
            donation_min: app::ledger::types::Money::eur(100),
            donation_message_max: 100,
            slot_count: 0,
            slot_secs: 60,
            slot_price: app::ledger::types::Money::eur(100),
            slot_purpose: app::live::types::StagePurpose::Chat,
            slots_per_fan: 1,
            cancel_cutoff_secs: 0,
            no_show_secs: 60,
        },
    };
    let id = app::live::store::create(&db, host, &e, app::ssr::now())
        .await
        .unwrap();
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let m = NewMessage::new(MessageKind::Chat, Some(host), format!("m{i}"));
                room::append(&db, id, m, app::ssr::now()).await.unwrap().seq
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap());
    }
    numbers.sort();
    assert_eq!(numbers, (1..=50).collect::<Vec<_>>());
    assert_eq!(
        seqs(&room::since(&db, id, 0, 100).await.unwrap()),
        (1..=50).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_gift_and_a_donation_pay_the_host_at_once_with_a_zero_fee_receipt() {
    let app = spawn_app().await;
    let (host, fan, fan_id, id) = room_with_fan(&app, 1_000).await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let host_id = app.me(&host).await.unwrap().id;
    let wallet = AccountRef::wallet(fan_id, Currency::Eur);
    let earnings = AccountRef::earnings(host_id, Currency::Eur);
    let id_s = id.to_string();
    let mut viewer = watch(&app.url(""), id, None).await;
    caught_up(&mut viewer).await;

    let gift = |price: &'static str, key: &'static str, code: &'static str| {
        let (fan, id_s, app) = (fan.clone(), id_s.clone(), &app);
        async move {
            app.call(
                &fan,
                "send_gift",
                &[
                    ("id", &id_s),
                    ("gift", code),
                    ("price", price),
                    ("key", key),
                ],
            )
            .await
        }
    };
    // A tampered price, a gift not on offer, a missing key: refused, nothing moved.
    let error: AppError = gift("1", "g1", "rose").await.json().await.unwrap();
    assert_eq!(error.problem_for("gift"), Some(Problem::PriceChanged));
    let error: AppError = gift("100", "g1", "dragon").await.json().await.unwrap();
    assert_eq!(error.problem_for("gift"), Some(Problem::NotOffered));
    let error: AppError = gift("100", "", "rose").await.json().await.unwrap();
    assert_eq!(error.problem_for("form"), Some(Problem::Malformed));
    assert_eq!(available(&db, wallet).await, 1_000);

    // A rose at 1 EUR, sent twice with the same key (a double click): paid once.
    let receipt: Receipt = gift("100", "g1", "rose").await.json().await.unwrap();
    assert_eq!(receipt.paid.minor, 100);
    assert_eq!(receipt.platform_fee.minor, 0);
    assert_eq!(receipt.host_receives.minor, 100);
    assert!(gift("100", "g1", "rose").await.status().is_success());
    assert_eq!(available(&db, wallet).await, 900);
    assert_eq!(available(&db, earnings).await, 100);
    let m = next_message(&mut viewer).await;
    assert_eq!(
        (m.kind, m.gift.as_deref(), m.amount.map(|a| a.minor)),
        (MessageKind::Gift, Some("rose"), Some(100))
    );

    // A donation below the minimum, with a message too long, beyond the wallet: refused.
    let donate = |amount: &'static str, message: String, key: &'static str| {
        let (fan, id_s, app) = (fan.clone(), id_s.clone(), &app);
        async move {
            app.call(
                &fan,
                "donate",
                &[
                    ("id", &id_s),
                    ("amount", amount),
                    ("message", &message),
                    ("key", key),
                ],
            )
            .await
        }
    };
    let error: AppError = donate("0.50", String::new(), "d1")
        .await
        .json()
        .await
        .unwrap();
    assert!(matches!(
        error.problem_for("amount"),
        Some(Problem::AmountTooSmall { .. })
    ));
    let error: AppError = donate("5", "x".repeat(201), "d1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        error.problem_for("message"),
        Some(Problem::TooLong { max: 200 })
    );
    let error: AppError = donate("50", String::new(), "d1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        error.problem_for("amount"),
        Some(Problem::InsufficientFunds)
    );
    let receipt: Receipt = donate("5", "Bravo !".into(), "d1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((receipt.paid.minor, receipt.platform_fee.minor), (500, 0));
    assert_eq!(available(&db, wallet).await, 400);
    assert_eq!(available(&db, earnings).await, 600);
    let m = next_message(&mut viewer).await;
    assert_eq!(
        (m.kind, m.body.as_str()),
        (MessageKind::Donation, "Bravo !")
    );

    // The host does not tip their own event; nobody pays without an account.
    let error: AppError = app
        .call_err(
            &host,
            "send_gift",
            &[
                ("id", &id_s),
                ("gift", "rose"),
                ("price", "100"),
                ("key", "h"),
            ],
        )
        .await;
    assert_eq!(error, AppError::Forbidden);
    let error = app
        .call_err(
            &app.client(),
            "donate",
            &[("id", &id_s), ("amount", "5"), ("key", "x")],
        )
        .await;
    assert_eq!(error, AppError::Unauthenticated);

    // The host switches the rose off and prices the star at 7.50.
    let prices = ["1", "2", "7.50", "10", "25"];
    let mut form = vec![("id", id_s.as_str()), ("on[]", "star")];
    form.extend(prices.iter().map(|p| ("prices[]", *p)));
    let _: () = app.call_ok(&host, "set_gifts", &form).await;
    let error: AppError = gift("100", "g2", "rose").await.json().await.unwrap();
    assert_eq!(error.problem_for("gift"), Some(Problem::NotOffered));
    let r: Room = app.call_ok(&fan, "get_room", &[("id", &id_s)]).await;
    assert_eq!(
        r.gifts
            .iter()
            .map(|g| (g.code.as_str(), g.price.minor))
            .collect::<Vec<_>>(),
        vec![("star", 750)]
    );
    // A price out of bounds is an error on that gift; a fan may not set prices.
    let mut bad = vec![("id", id_s.as_str())];
    bad.extend(
        ["1", "2", "0.10", "10", "25"]
            .iter()
            .map(|p| ("prices[]", *p)),
    );
    let error = app.call_err(&host, "set_gifts", &bad).await;
    assert!(matches!(
        error.problem_for("star"),
        Some(Problem::AmountTooSmall { .. })
    ));
    assert_eq!(
        app.call_err(&fan, "set_gifts", &form).await,
        AppError::Forbidden
    );

    // The host's statement sums the event up: one rose and one donation.
    let statement: app::earnings::types::Statement = app.call_ok(&host, "statement", &[]).await;
    let summary = &statement.events[0];
    assert_eq!(
        (summary.id, summary.title.as_str()),
        (id, "Questions du dimanche")
    );
    assert_eq!(
        (
            summary.gifts.minor,
            summary.donations.minor,
            summary.stage_slots.minor,
            summary.total.minor
        ),
        (100, 500, 0, 600)
    );
    assert_eq!(statement.events.len(), 1);

    let report = app::ledger::store::verify(&db).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[tokio::test]
async fn chat_refuses_bad_input_and_moderators_delete_time_out_and_ban() {
    let app = spawn_app().await;
    let (host, fan, _, id) = room_with_fan(&app, 0).await;
    let id_s = id.to_string();
    let helper = app.client();
    app.sign_up(&helper, "fan", "room_helper").await;

    let problem = |r: AppError| r.problem_for("text");
    let error: AppError = chat(&app, &fan, id, "   ").await.json().await.unwrap();
    assert_eq!(problem(error), Some(Problem::Required));
    let error: AppError = chat(&app, &fan, id, &"a".repeat(301))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(problem(error), Some(Problem::TooLong { max: 300 }));
    assert_eq!(
        app.call_err(&app.client(), "send_chat", &[("id", &id_s), ("text", "hi")])
            .await,
        AppError::Unauthenticated
    );

    // Only the host sets the rules: a blocked word, a 30-second slow mode, a moderator.
    let rules = [
        ("id", id_s.as_str()),
        ("slow_mode_secs", "30"),
        ("blocked_words", "spoiler\nbuy followers"),
        ("moderators", "@room_helper"),
    ];
    assert_eq!(
        app.call_err(&fan, "set_room_rules", &rules).await,
        AppError::Forbidden
    );
    let error = app
        .call_err(
            &host,
            "set_room_rules",
            &[("id", &id_s), ("slow_mode_secs", "-1")],
        )
        .await;
    assert_eq!(
        error.problem_for("slow_mode_secs"),
        Some(Problem::InvalidNumber)
    );
    let error = app
        .call_err(
            &host,
            "set_room_rules",
            &[
                ("id", &id_s),
                ("slow_mode_secs", "0"),
                ("moderators", "nobody_here"),
            ],
        )
        .await;
    assert_eq!(
        error.problem_for("moderators"),
        Some(Problem::InvalidHandle)
    );
    let _: () = app.call_ok(&host, "set_room_rules", &rules).await;

    let error: AppError = chat(&app, &fan, id, "No SPOILER please")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(problem(error), Some(Problem::BlockedWord));
    let first: i64 = chat(&app, &fan, id, "hello").await.json().await.unwrap();
    let error: AppError = chat(&app, &fan, id, "hello again")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        matches!(problem(error), Some(Problem::SlowMode { wait_secs }) if wait_secs > 0 && wait_secs <= 30)
    );
    // Moderators are not slowed down.
    let _: i64 = chat(&app, &helper, id, "welcome!")
        .await
        .json()
        .await
        .unwrap();

    // A fan may not moderate; the moderator deletes the fan's message, then bans them.
    let first_s = first.to_string();
    let target = vec![("id", id_s.as_str()), ("seq", first_s.as_str())];
    assert_eq!(
        app.call_err(&fan, "delete_message", &target).await,
        AppError::Forbidden
    );
    let _: () = app.call_ok(&helper, "delete_message", &target).await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let stored = room::since(&db, id, first - 1, 1).await.unwrap();
    assert!(stored[0].deleted && stored[0].body.is_empty());

    let mut ban = target.clone();
    ban.push(("sanction", "ban"));
    let _: () = app.call_ok(&helper, "moderate", &ban).await;
    let error: AppError = chat(&app, &fan, id, "let me back")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(problem(error), Some(Problem::Muted { until: None }));
    let r: Room = app.call_ok(&fan, "get_room", &[("id", &id_s)]).await;
    assert_eq!(r.muted, Some(Mute { until: None }));
    // A banned fan's money is refused too.
    let error = app
        .call_err(
            &fan,
            "donate",
            &[("id", &id_s), ("amount", "5"), ("key", "k")],
        )
        .await;
    assert_eq!(
        error.problem_for("text"),
        Some(Problem::Muted { until: None })
    );

    // Nobody sanctions the host, and a moderator does not sanction another one.
    let hosts_line: i64 = chat(&app, &host, id, "thanks all")
        .await
        .json()
        .await
        .unwrap();
    let mut on_host = vec![("id", id_s.as_str()), ("sanction", "ban")];
    let hosts_line = hosts_line.to_string();
    on_host.push(("seq", &hosts_line));
    assert_eq!(
        app.call_err(&helper, "moderate", &on_host).await,
        AppError::Forbidden
    );

    // The host lifts the ban, then times the fan out for ten minutes.
    let mut lift = target.clone();
    lift.push(("sanction", "lift"));
    let _: () = app.call_ok(&host, "moderate", &lift).await;
    let r: Room = app.call_ok(&fan, "get_room", &[("id", &id_s)]).await;
    assert_eq!(r.muted, None);
    let mut timeout = target.clone();
    timeout.push(("sanction", "timeout"));
    let _: () = app.call_ok(&host, "moderate", &timeout).await;
    let error: AppError = chat(&app, &fan, id, "sorry").await.json().await.unwrap();
    assert!(
        matches!(problem(error), Some(Problem::Muted { until: Some(u) }) if u > app::ssr::now() + 500)
    );

    // The room tells everyone: deletion, ban, lift and timeout are numbered messages.
    let kinds: Vec<MessageKind> = room::since(&db, id, 0, 100)
        .await
        .unwrap()
        .iter()
        .map(|m| m.kind)
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == MessageKind::Sanction)
            .count(),
        3
    );
    assert!(kinds.contains(&MessageKind::Deleted));
}

#[tokio::test]
async fn a_message_sent_through_one_server_process_reaches_a_viewer_of_another() {
    // Instances share a room only through PostgreSQL; on SQLite there is one process.
    if std::env::var("TREMPLIN_TEST_POSTGRES")
        .unwrap_or_default()
        .is_empty()
    {
        return;
    }
    let (dir, database_url, _db) = crate::common::fresh_db_with_url().await;
    let (a_dir, b_dir) = (dir.path().join("a"), dir.path().join("b"));
    // One session key for both, as the README asks of every instance.
    let secret = [("TREMPLIN_SESSION_SECRET", "s".repeat(64))];
    let secret: Vec<(&str, &str)> = secret.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let a = Server::start(&database_url, &a_dir, &secret);
    let b = Server::start(&database_url, &b_dir, &secret);
    a.wait_healthy().await;
    b.wait_healthy().await;
    let on = |server: &Server| TestApp {
        addr: server.url.trim_start_matches("http://").parse().unwrap(),
        data_dir: tempfile::tempdir().unwrap(),
        database_url: database_url.clone(),
        // The servers run in their own processes: this one counts nothing.
        passwords: app::accounts::password::Hasher::new(app::accounts::password::Cost::FAST),
    };
    let (app_a, app_b) = (on(&a), on(&b));
    let host = app_a.client();
    // Unconfirmed: the servers' outboxes are not where `TestApp` looks.
    app_a
        .sign_up_unconfirmed(&host, "creator", "twin_host")
        .await;
    let id = schedule(&app_a, &host).await;
    let fan = app_a.client();
    app_a.sign_up_unconfirmed(&fan, "fan", "twin_fan").await;

    let mut on_b = watch(&b.url, id, None).await;
    caught_up(&mut on_b).await;
    let mut on_a = watch(&a.url, id, None).await;
    caught_up(&mut on_a).await;
    assert!(chat(&app_a, &fan, id, "through A")
        .await
        .status()
        .is_success());
    let m = next_message(&mut on_b).await;
    assert_eq!((m.seq, m.body.as_str()), (1, "through A"));
    // The host's session is in the shared database: B serves it too.
    assert!(chat(&app_b, &host, id, "from B")
        .await
        .status()
        .is_success());
    assert_eq!(next_message(&mut on_a).await.body, "through A");
    let m = next_message(&mut on_a).await;
    assert_eq!((m.seq, m.body.as_str()), (2, "from B"));

    // Each instance counts the viewers of both within a few seconds.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Frame::Viewers { n: 2 } = frame(&mut on_b).await {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "B never counted A's viewer"
        );
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Nobody,
    /// Booked a stage slot at the event.
    Fan,
    Host,
    /// A fan the host named moderator.
    Moderator,
    OtherCreator,
}

/// What each caller gets from each live-event and room function: refused with this error, or
/// let through (`None`: any answer that is not a refusal, such as a field error or a conflict).
fn expected(function: &str, caller: Caller) -> Option<AppError> {
    use Caller::*;
    let signed_in = (caller == Nobody).then_some(AppError::Unauthenticated);
    let only = |allowed: &[Caller], refusal: AppError| {
        signed_in
            .clone()
            .or((!allowed.contains(&caller)).then_some(refusal))
    };
    match function {
        "get_event" | "list_events" | "get_room" | "video_endpoints" => None,
        // The stream key is the host's; a stage token the fan's own.
        "get_publishing" | "new_stream_key" => only(&[Host], AppError::Forbidden),
        "get_stage_token" => only(&[Fan], AppError::NotFound),
        "schedule_event" => only(&[Host, OtherCreator], AppError::Forbidden),
        // Another person's event is not theirs to see in the studio or to run.
        "update_offers" | "get_studio" | "run_event" | "move_slot" => {
            only(&[Host], AppError::NotFound)
        }
        // The fan may take their own slot's steps, but not the host's.
        "take_slot_step" => signed_in.or(match caller {
            Fan => Some(AppError::Forbidden),
            Moderator | OtherCreator => Some(AppError::NotFound),
            _ => None,
        }),
        // The host neither books, tips nor asks to be reminded of their own event.
        "remind_me" | "book_slot" | "top_up_to_book" | "donate" | "send_gift" => {
            only(&[Fan, Moderator, OtherCreator], AppError::Forbidden)
        }
        "send_chat" => signed_in,
        "delete_message" | "moderate" => only(&[Host, Moderator], AppError::Forbidden),
        "set_room_rules" | "set_gifts" | "merch_choices" | "pin_merch" => {
            only(&[Host], AppError::Forbidden)
        }
        // Nor does the host buy their own merch.
        "buy_merch" => only(&[Fan, Moderator, OtherCreator], AppError::Forbidden),
        other => panic!("no rule for {other}"),
    }
}

#[tokio::test]
async fn every_live_function_refuses_whoever_may_not_call_it() {
    use Caller::*;
    let app = spawn_app().await;
    let mut clients = Vec::new();
    for (caller, role, handle) in [
        (Nobody, "", ""),
        (Fan, "fan", "auth_live_fan"),
        (Host, "creator", "auth_live_host"),
        (Moderator, "fan", "auth_live_mod"),
        (OtherCreator, "creator", "auth_live_other"),
    ] {
        let client = app.client();
        if caller != Nobody {
            app.sign_up(&client, role, handle).await;
        }
        clients.push((caller, client));
    }
    let client = |caller: Caller| {
        clients
            .iter()
            .find(|(c, _)| *c == caller)
            .unwrap()
            .1
            .clone()
    };
    let id = schedule(&app, &client(Host)).await;
    let id_s = id.to_string();
    let db = Db::connect(&app.database_url).await.unwrap();
    let fan = app.me(&client(Fan)).await.unwrap().id;
    top_up(&db, fan, 1_500).await;
    let slot: i64 = app
        .call_ok(
            &client(Fan),
            "book_slot",
            &[("id", &id_s), ("key", "auth"), ("price", "1500")],
        )
        .await;
    let slot = slot.to_string();
    let moderators = [
        ("id", id_s.as_str()),
        ("slow_mode_secs", "0"),
        ("moderators", "auth_live_mod"),
    ];
    let _: () = app
        .call_ok(&client(Host), "set_room_rules", &moderators)
        .await;
    let line: i64 = chat(&app, &client(Fan), id, "a line to moderate")
        .await
        .json()
        .await
        .unwrap();
    let line = line.to_string();
    // The event's own form carries every offer field; the rest is ignored.
    let mut offers = crate::live::event_form(&[]);
    offers.push(("id", &id_s));
    let mut gifts = vec![("id", id_s.as_str())];
    for code in ["rose", "heart", "star", "rocket", "crown"] {
        gifts.push(("on[]", code));
    }
    for price in ["1", "2", "5", "10", "25"] {
        gifts.push(("prices[]", price));
    }
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("get_event", vec![("id", &id_s)]),
        ("video_endpoints", vec![]),
        ("get_publishing", vec![("id", &id_s)]),
        ("new_stream_key", vec![("id", &id_s)]),
        // Not called backstage yet: a conflict for the fan.
        ("get_stage_token", vec![("slot", &slot)]),
        ("list_events", vec![]),
        ("get_room", vec![("id", &id_s)]),
        ("schedule_event", vec![("title", "")]),
        ("update_offers", offers.clone()),
        ("get_studio", vec![("id", &id_s)]),
        // Ending an event that has not started is a conflict for the host.
        ("run_event", vec![("id", &id_s), ("step", "end")]),
        ("move_slot", vec![("id", &slot), ("up", "true")]),
        ("take_slot_step", vec![("id", &slot), ("step", "on_stage")]),
        ("remind_me", vec![("id", &id_s), ("on", "true")]),
        (
            "book_slot",
            vec![("id", &id_s), ("key", "again"), ("price", "1500")],
        ),
        ("top_up_to_book", vec![("id", &id_s)]),
        ("donate", vec![("id", &id_s), ("amount", "5"), ("key", "d")]),
        (
            "send_gift",
            vec![
                ("id", &id_s),
                ("gift", "rose"),
                ("price", "100"),
                ("key", "g"),
            ],
        ),
        ("send_chat", vec![("id", &id_s), ("text", "hello")]),
        ("delete_message", vec![("id", &id_s), ("seq", &line)]),
        (
            "moderate",
            vec![("id", &id_s), ("seq", &line), ("sanction", "lift")],
        ),
        ("set_room_rules", moderators.to_vec()),
        ("set_gifts", gifts.clone()),
        ("merch_choices", vec![("id", &id_s)]),
        (
            "pin_merch",
            vec![("id", &id_s), ("product", "999999"), ("on", "false")],
        ),
        (
            "buy_merch",
            vec![
                ("id", &id_s),
                ("variant", "999999"),
                ("total", "100"),
                ("ship_name", "Nobody"),
                ("ship_address", "1 nowhere street"),
            ],
        ),
    ];
    for (function, form) in &calls {
        for (caller, c) in &clients {
            let response = app.call(c, function, form).await;
            let status = response.status();
            let got = if status.is_success() || status.is_redirection() {
                None
            } else {
                match response.json::<AppError>().await.unwrap() {
                    refusal @ (AppError::Unauthenticated
                    | AppError::Forbidden
                    | AppError::NotFound) => Some(refusal),
                    _ => None,
                }
            };
            assert_eq!(got, expected(function, *caller), "{function} by {caller:?}");
        }
    }
}
