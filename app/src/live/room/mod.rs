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
    use types::StageChange;
    if let Some((StageChange::Ended | StageChange::Cancelled, _)) = news {
        state
            .media
            .end_stream(event, crate::live::video::Seat::Host);
        state
            .media
            .end_stream(event, crate::live::video::Seat::Guest);
    }
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

/// Tells the room where slot `slot` now stands: a fan going on stage or leaving it is news in
/// the chat; any other step only refreshes the pages.
#[cfg(feature = "ssr")]
pub async fn announce_slot(state: &crate::ssr::AppState, slot: i64) {
    use crate::live::types::SlotState;
    match crate::live::store::whereabouts(&state.db, slot).await {
        Ok(w) => {
            let news = match w.state {
                SlotState::OnStage => Some((types::StageChange::OnStage, Some(w.fan))),
                s if !s.is_open() && w.was_on_stage => {
                    // The token expires with the slot: its stream ends with it.
                    state
                        .media
                        .end_stream(w.event, crate::live::video::Seat::Guest);
                    Some((types::StageChange::OffStage, Some(w.fan)))
                }
                _ => None,
            };
            announce(state, w.event, news).await;
        }
        Err(e) => tracing::error!(slot, "stage news not posted: {e}"),
    }
}

/// Announces what the clock settled: slots whose time ran out and events it ended.
#[cfg(feature = "ssr")]
pub async fn announce_settled(
    state: &crate::ssr::AppState,
    settled: &[crate::live::store::Settled],
) {
    use crate::live::store::Settled;
    for s in settled {
        match *s {
            Settled::Slot(slot) => announce_slot(state, slot).await,
            Settled::Event(event) => {
                announce(state, event, Some((types::StageChange::Ended, None))).await
            }
        }
    }
}
