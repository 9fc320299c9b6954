//! Demo live events: one live now and one coming up, with stage slots fans booked through the
//! same store calls (and holds) as real bookings.

use app::ledger::types::Money;
use app::live::merch::store as merch;
use app::live::room::store::{self as room, NewMessage};
use app::live::room::types::{MessageKind, StageChange};
use app::live::store::{self as live, NewEvent};
use app::live::types::{EventStep, Offers, StagePurpose};
use app::ssr::{AppState, Db};
use bytes::Bytes;

const HOUR: i64 = 3_600;

struct Show {
    host: &'static str,
    title: &'static str,
    description: &'static str,
    /// From now: negative for an event already under way.
    starts_in: i64,
    slots: u32,
    euros: i64,
    purpose: StagePurpose,
    booked_by: &'static [&'static str],
    cover: &'static [u8],
}

const SHOWS: [Show; 2] = [
    Show {
        host: "lucas_music",
        title: "Session acoustique du mardi",
        description: "Des reprises à la demande, et vos questions entre deux morceaux.",
        starts_in: -HOUR / 6,
        slots: 3,
        euros: 10,
        purpose: StagePurpose::Chat,
        booked_by: &["nina"],
        cover: include_bytes!("../../demo/covers/lucas_music.jpg"),
    },
    Show {
        host: "camille_cuisine",
        title: "Dimanche en cuisine : vos questions",
        description:
            "Je réponds en direct à vos questions de cuisine du quotidien. Réservez un passage \
                      sur scène pour poser la vôtre face caméra.",
        starts_in: 3 * 24 * HOUR,
        slots: 5,
        euros: 15,
        purpose: StagePurpose::Questions,
        booked_by: &["lea"],
        cover: include_bytes!("../../demo/covers/camille_cuisine.jpg"),
    },
];

/// What was said in the room of the event under way, after the news that it went live.
const CHAT: [(&str, &str); 4] = [
    ("lea", "Bonsoir Lucas ! 🎸"),
    ("nina", "Tu peux jouer « La Javanaise » ?"),
    ("tom", "Le son est top ce soir"),
    (
        "lucas_music",
        "Merci d'être là ! La Javanaise arrive juste après.",
    ),
];

async fn chat(db: &Db, event: i64, id_of: &impl Fn(&str) -> i64, from: i64) -> anyhow::Result<()> {
    let live_news = NewMessage::new(MessageKind::Stage, None, StageChange::Live.as_str().into());
    room::append(db, event, live_news, from)
        .await
        .map_err(anyhow::Error::msg)?;
    for (i, (who, text)) in CHAT.iter().enumerate() {
        let line = NewMessage::new(MessageKind::Chat, Some(id_of(who)), (*text).into());
        room::append(db, event, line, from + 30 * (i as i64 + 1))
            .await
            .map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

/// Loads the demo events (after the shops: each host pins their merch); `id_of` finds a demo
/// person's id.
pub async fn load(state: &AppState, id_of: impl Fn(&str) -> i64, now: i64) -> anyhow::Result<()> {
    let db = &state.db;
    for show in &SHOWS {
        let host = id_of(show.host);
        let starts_at = now + show.starts_in;
        let event = NewEvent {
            title: show.title.into(),
            description: show.description.into(),
            starts_at,
            planned_secs: 2 * 3_600,
            offers: Offers {
                donation_min: Money::eur(200),
                donation_message_max: 200,
                slot_count: show.slots,
                slot_secs: 120,
                slot_price: Money::eur(show.euros * 100),
                slot_purpose: show.purpose,
                slots_per_fan: 1,
                cancel_cutoff_secs: 3_600,
                no_show_secs: 90,
            },
        };
        let id = live::create(db, host, &event, now - 24 * HOUR)
            .await
            .map_err(anyhow::Error::msg)?;
        let cover = state
            .storage
            .put_image(
                Bytes::from_static(show.cover),
                "cover",
                &format!("events/{id}"),
            )
            .await
            .map_err(anyhow::Error::msg)?;
        live::set_cover(db, id, host, &cover)
            .await
            .map_err(anyhow::Error::msg)?;
        for product in merch::choices(db, id, host)
            .await
            .map_err(anyhow::Error::msg)?
        {
            merch::pin(db, id, host, product.product, true, now - 20 * HOUR)
                .await
                .map_err(anyhow::Error::msg)?;
        }
        for fan in show.booked_by {
            live::book(
                db,
                id,
                id_of(fan),
                "demo",
                show.euros * 100,
                now - 12 * HOUR,
            )
            .await
            .map_err(anyhow::Error::msg)?;
        }
        if show.starts_in < 0 {
            live::run_event(db, id, Some(host), EventStep::Start, starts_at)
                .await
                .map_err(anyhow::Error::msg)?;
            chat(db, id, &id_of, starts_at).await?;
        }
    }
    Ok(())
}
