//! `GET /live/{id}/room`: an event's room as a WebSocket, read-only. A new viewer gets the
//! last messages, one that reconnects with `?after=N` gets exactly those after N; then every
//! message as it comes, in order, once. Writing goes through the server functions, which check
//! the session, CSRF and rate limits like every other write, so the socket needs neither.

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures::{SinkExt, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use super::hub::Delivery;
use super::rules::BACKLOG;
use super::store;
use super::types::Frame;
use crate::error::AppError;
use crate::ssr::{AppState, ClientIp};

pub const ROUTE: &str = "/live/{id}/room";
/// Messages read from the database per page, catching up.
const PAGE: i64 = 200;
/// A viewer that takes longer than this to accept a frame is dropped; its client reconnects.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Keeps idle connections open through proxies.
const PING_EVERY: Duration = Duration::from_secs(25);
/// Chat frames are small; a client has nothing to send but pongs.
const MAX_INCOMING: usize = 1_024;
/// The read buffer: a client sends only pongs. Kept small because the WebSocket zeroes the
/// buffer's free space on every read attempt, and the 128 KiB default made that memset most
/// of the server's work under 10,000 viewers.
const READ_BUFFER: usize = 4 * 1_024;

#[derive(serde::Deserialize)]
pub struct Resume {
    after: Option<i64>,
}

pub async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Extension(ip): Extension<ClientIp>,
    Path(event): Path<i64>,
    Query(resume): Query<Resume>,
) -> Response {
    // Each socket holds memory and a place in every broadcast: one address gets a bounded share.
    let Some(admission) = state.room.admit(ip.bucket()) else {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "15")],
            "too many connections from this address",
        )
            .into_response();
    };
    match store::last_seq(&state.db, event).await {
        Ok(_) => ws
            .max_message_size(MAX_INCOMING)
            .read_buffer_size(READ_BUFFER)
            .on_upgrade(move |socket| async move {
                serve(socket, state, event, resume.after).await;
                drop(admission);
            })
            .into_response(),
        Err(AppError::NotFound) => AppError::NotFound.status().into_response(),
        Err(e) => {
            tracing::error!(event, "room socket: {e}");
            AppError::Internal {
                request_id: "-".into(),
            }
            .status()
            .into_response()
        }
    }
}

async fn serve(socket: WebSocket, state: AppState, event: i64, after: Option<i64>) {
    let (mut out, mut incoming) = socket.split();
    // Joined before reading the backlog, so nothing said meanwhile is missed.
    let mut room = state.room.subscribe(event);
    let mut viewer = Viewer {
        last: after.unwrap_or(0),
        out: &mut out,
    };
    let caught_up = match after {
        Some(_) => viewer.catch_up(&state, event).await,
        None => match store::latest(&state.db, event, BACKLOG).await {
            Ok(backlog) => viewer.send_messages(backlog).await,
            Err(_) => false,
        },
    };
    let viewers = Frame::Viewers {
        n: state.room.viewers(event),
    };
    if !caught_up || !viewer.send(Delivery::of(&viewers)).await {
        return;
    }
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    loop {
        tokio::select! {
            delivery = room.frames.recv() => {
                let ok = match delivery {
                    Ok(d) => match d.seq {
                        Some(seq) if seq <= viewer.last => true,
                        // Something came out of order (another instance, or a commit that
                        // published late): read what is missing, which includes this one.
                        Some(seq) if seq > viewer.last + 1 => viewer.catch_up(&state, event).await,
                        Some(seq) => {
                            viewer.last = seq;
                            viewer.send(d).await
                        }
                        None => viewer.send(d).await,
                    },
                    Err(RecvError::Lagged(_)) => viewer.catch_up(&state, event).await,
                    Err(RecvError::Closed) => false,
                };
                if !ok {
                    break;
                }
            }
            frame = incoming.next() => match frame {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                if !viewer.send_raw(Message::Ping(Default::default())).await {
                    break;
                }
            }
        }
    }
}

/// One connection's send side and the last message number it was sent.
struct Viewer<'a, S> {
    last: i64,
    out: &'a mut S,
}

impl<S> Viewer<'_, S>
where
    S: futures::Sink<Message> + Unpin,
{
    async fn send_raw(&mut self, message: Message) -> bool {
        matches!(
            tokio::time::timeout(SEND_TIMEOUT, self.out.send(message)).await,
            Ok(Ok(()))
        )
    }

    async fn send(&mut self, d: Delivery) -> bool {
        self.send_raw(Message::Text(d.text)).await
    }

    async fn send_messages(&mut self, messages: Vec<super::types::RoomMessage>) -> bool {
        for m in messages {
            self.last = self.last.max(m.seq);
            if !self.send(Delivery::of(&Frame::Message(m))).await {
                return false;
            }
        }
        true
    }

    /// Sends every stored message after the last one sent.
    async fn catch_up(&mut self, state: &AppState, event: i64) -> bool {
        loop {
            let Ok(page) = store::since(&state.db, event, self.last, PAGE).await else {
                return false;
            };
            let full = page.len() as i64 == PAGE;
            if !self.send_messages(page).await {
                return false;
            }
            if !full {
                return true;
            }
        }
    }
}
