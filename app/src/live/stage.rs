//! What follows a stage step once it is committed, the same whether the host, the fan or the
//! clock took it: whoever left the stage loses their stream (their token expired with the
//! slot, or the event ended), then the room hears the news.

use super::room::{announce, types::StageChange};
use super::store::{self, Settled};
use super::types::SlotState;
use super::video::Seat;
use crate::ssr::AppState;

/// After slot `slot` moved: a fan going on stage or leaving it is news in the chat; any other
/// step only refreshes the pages.
pub async fn slot_moved(state: &AppState, slot: i64) {
    let w = match store::whereabouts(&state.db, slot).await {
        Ok(w) => w,
        Err(e) => return tracing::error!(slot, "stage news not posted: {e}"),
    };
    let news = match w.state {
        SlotState::OnStage => Some((StageChange::OnStage, Some(w.fan))),
        s if !s.is_open() && w.was_on_stage => {
            state.media.end_stream(w.event, Seat::Guest);
            Some((StageChange::OffStage, Some(w.fan)))
        }
        _ => None,
    };
    announce(state, w.event, news).await;
}

/// After event `event` went live, ended or was cancelled.
pub async fn event_moved(state: &AppState, event: i64, change: StageChange) {
    if matches!(change, StageChange::Ended | StageChange::Cancelled) {
        state.media.end_stream(event, Seat::Host);
        state.media.end_stream(event, Seat::Guest);
    }
    announce(state, event, Some((change, None))).await;
}

/// After the clock settled slots whose time ran out and events it ended.
pub async fn settled(state: &AppState, settled: &[Settled]) {
    for s in settled {
        match *s {
            Settled::Slot(slot) => slot_moved(state, slot).await,
            Settled::Event(event) => event_moved(state, event, StageChange::Ended).await,
        }
    }
}
