//! An event's live room: chat, donations with their message highlighted, gifts that play an
//! animation on every screen, stage news, the viewer count, and the host's moderation. Every
//! message is stored with a number per event; viewers follow over a WebSocket and resume
//! from the last number they saw.

pub mod api;
pub mod rules;
pub mod types;
pub mod view;

#[cfg(feature = "ssr")]
pub mod hub;
#[cfg(feature = "ssr")]
pub mod socket;
#[cfg(feature = "ssr")]
pub mod store;

/// Stores `m` in `event`'s room and sends it to every viewer; returns its number.
#[cfg(feature = "ssr")]
pub async fn post(
    state: &crate::ssr::AppState,
    event: i64,
    m: store::NewMessage,
) -> Result<i64, crate::error::AppError> {
    let message = store::append(&state.db, event, m, state.clock.now()).await?;
    state.room.sent(event, &message);
    Ok(message.seq)
}

/// Posts stage news in `event`'s room, or only has pages read the event again when `news` is
/// `None`. The step it reports is already committed, so a failure here is logged, not
/// returned: the fan's slot must not look failed because the chat was not told.
#[cfg(feature = "ssr")]
pub async fn announce(
    state: &crate::ssr::AppState,
    event: i64,
    news: Option<(types::StageChange, Option<i64>)>,
) {
    match news {
        Some((change, author)) => {
            let message = store::NewMessage::new(
                types::MessageKind::Stage,
                author,
                change.as_str().to_owned(),
            );
            if let Err(e) = post(state, event, message).await {
                tracing::error!(event, "stage news not posted: {e}");
            }
        }
        None => state.room.refresh(&state.db, event).await,
    }
}
