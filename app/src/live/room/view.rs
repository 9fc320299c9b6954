//! The room as people see it: the chat with donations, gifts and stage news, the viewer count,
//! the forms to write, donate and send gifts, the moderators' tools, the gift animations, and
//! the host's settings. Messages come first with the page (so it reads without JavaScript),
//! then live over the room's WebSocket, which resumes after the last one seen.

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use super::api::{
    get_room, DeleteMessage, Donate, Moderate, SendChat, SendGift, SetGifts, SetRoomRules,
};
use super::rules::{self, MAX_CHAT_CHARS};
use super::types::*;
use crate::i18n::*;
use crate::ui::form::{action_error, error_text, Field, FieldProblem, PageError, TextArea};
use crate::ui::icon::{Glyph, Icon};
use crate::ui::money::{format_amount_input, format_money};

/// How long a gift's animation plays.
const GIFT_MS: u64 = 4_000;

/// What happened in the room that a page may want to read again for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum News {
    /// The stage, the queue or the event changed.
    Stage,
    /// A gift, a donation or a purchase came in.
    Paid,
}

/// Where the page's connection to the room stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    Connecting,
    Live,
    Lost,
}

/// A gift playing on screen now.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Playing {
    seq: i64,
    gift: String,
    from: String,
}

/// What the socket brought, shared by the panel's parts.
#[derive(Clone, Copy)]
struct Feed {
    messages: RwSignal<Vec<RoomMessage>>,
    viewers: RwSignal<Option<u64>>,
    link: RwSignal<Link>,
    playing: RwSignal<Vec<Playing>>,
    /// Counts news that change what the viewer may do (a sanction, the event starting or
    /// ending): the room's settings are read again on it.
    changes: RwSignal<u32>,
}

impl Feed {
    fn new() -> Self {
        Self {
            messages: RwSignal::new(Vec::new()),
            viewers: RwSignal::new(None),
            link: RwSignal::new(Link::Connecting),
            playing: RwSignal::new(Vec::new()),
            changes: RwSignal::new(0),
        }
    }

    fn last(&self) -> i64 {
        self.messages
            .with_untracked(|list| list.last().map_or(0, |m| m.seq))
    }

    /// Takes in a message; `live` when it happens now rather than being caught up on, so a
    /// gift plays its animation. Stage news has the page read the event again.
    fn receive(&self, m: RoomMessage, live: bool, on_news: Callback<News>) {
        let mut fresh = false;
        self.messages
            .update(|list| fresh = rules::take_in(list, m.clone()));
        if !fresh {
            return;
        }
        match m.kind {
            MessageKind::Gift | MessageKind::Donation | MessageKind::Purchase if live => {
                on_news.run(News::Paid);
                if m.kind == MessageKind::Gift {
                    self.play(m);
                }
            }
            MessageKind::Stage => {
                on_news.run(News::Stage);
                self.changes.update(|n| *n += 1);
            }
            MessageKind::Sanction => self.changes.update(|n| *n += 1),
            _ => {}
        }
    }

    fn play(&self, m: RoomMessage) {
        let seq = m.seq;
        self.playing.update(|p| {
            p.push(Playing {
                seq,
                gift: m.gift.unwrap_or_default(),
                from: m.author.map(|a| a.name).unwrap_or_default(),
            })
        });
        let playing = self.playing;
        set_timeout(
            move || playing.update(|p| p.retain(|g| g.seq != seq)),
            std::time::Duration::from_millis(GIFT_MS),
        );
    }
}

/// The page's WebSocket to the room: opened in the browser only, reopened after a drop
/// (after 1, 2, 4... up to 15 seconds) from the last message seen, closed with the page.
mod socket {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

    use leptos::prelude::*;
    use send_wrapper::SendWrapper;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    use super::{Feed, Link, News};
    use crate::live::room::types::Frame;

    type Slot = Rc<RefCell<Option<web_sys::WebSocket>>>;

    pub fn follow(id: i64, feed: Feed, on_news: Callback<News>) {
        let slot: Slot = Rc::default();
        open(id, feed, on_news, slot.clone(), 0);
        let slot = SendWrapper::new(slot);
        on_cleanup(move || {
            if let Some(ws) = slot.take().borrow_mut().take() {
                ws.set_onclose(None);
                let _ = ws.close();
            }
        });
    }

    fn open(id: i64, feed: Feed, on_news: Callback<News>, slot: Slot, tries: u32) {
        let location = window().location();
        let scheme = match location.protocol().as_deref() {
            Ok("https:") => "wss",
            _ => "ws",
        };
        let host = location.host().unwrap_or_default();
        let after = match feed.last() {
            0 => String::new(),
            n => format!("?after={n}"),
        };
        let Ok(ws) = web_sys::WebSocket::new(&format!("{scheme}://{host}/live/{id}/room{after}"))
        else {
            return feed.link.set(Link::Lost);
        };
        // Messages before the first viewer count are what was missed: shown, not played.
        let caught_up = Rc::new(Cell::new(false));
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let Some(text) = e.data().as_string() else {
                    return;
                };
                match serde_json::from_str::<Frame>(&text) {
                    Ok(Frame::Message(m)) => feed.receive(m, caught_up.get(), on_news),
                    Ok(Frame::Viewers { n }) => {
                        feed.viewers.set(Some(n));
                        if !caught_up.replace(true) {
                            feed.link.set(Link::Live);
                            // What changed on stage while the page was away.
                            if tries > 0 {
                                on_news.run(News::Stage);
                            }
                        }
                    }
                    Ok(Frame::Refresh) => on_news.run(News::Stage),
                    Err(_) => {}
                }
            })
            .into_js_value();
        ws.set_onmessage(Some(on_message.unchecked_ref()));
        let again = slot.clone();
        let on_close = Closure::once_into_js(move || {
            feed.link.set(Link::Lost);
            let wait = 1_000u64 << tries.min(4);
            set_timeout(
                move || {
                    // Still wanted: the page did not close it meanwhile.
                    if again.borrow().is_some() {
                        open(id, feed, on_news, again, tries + 1);
                    }
                },
                std::time::Duration::from_millis(wait.min(15_000)),
            );
        });
        ws.set_onclose(Some(on_close.unchecked_ref()));
        slot.replace(Some(ws));
    }
}

fn gift_name(i18n: I18nContext<Locale>, code: &str) -> String {
    match code {
        "rose" => t_string!(i18n, room.gift_rose).to_string(),
        "heart" => t_string!(i18n, room.gift_heart).to_string(),
        "star" => t_string!(i18n, room.gift_star).to_string(),
        "rocket" => t_string!(i18n, room.gift_rocket).to_string(),
        "crown" => t_string!(i18n, room.gift_crown).to_string(),
        other => other.to_owned(),
    }
}

/// A gift's picture, `size` pixels square; the name beside it says what it is.
#[component]
fn GiftIcon(
    #[prop(into)] code: String,
    size: u32,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    view! { <img class=class src=rules::gift_icon_url(&code) alt="" width=size height=size /> }
}

/// The room of event `id`: its chat, the viewer count, and what the viewer may do in it.
/// `on_news` runs when the stage or the queue changed, so the page reads the event again, and
/// when money came in (which only the studio's totals follow).
#[component]
pub fn RoomPanel(id: i64, #[prop(into)] on_news: Callback<News>) -> impl IntoView {
    let i18n = use_i18n();
    let feed = Feed::new();
    let chat = ServerAction::<SendChat>::new();
    let donate = ServerAction::<Donate>::new();
    let gift = ServerAction::<SendGift>::new();
    let remove = ServerAction::<DeleteMessage>::new();
    let moderate = ServerAction::<Moderate>::new();
    let room = Resource::new(move || (id, feed.changes.get()), |(id, _)| get_room(id));
    Effect::new(move || socket::follow(id, feed, on_news));
    let mod_errors = Signal::derive(move || {
        remove
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| moderate.value().get().and_then(Result::err))
    });
    view! {
        <section class="card room" aria-label=move || t_string!(i18n, room.title).to_string() data-testid="room">
            <header class="room-head">
                <h2>{t!(i18n, room.title)}</h2>
                <span class="room-viewers" data-testid="viewers">
                    {move || feed.viewers.get().map(|n| view! {
                        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" class="viewers-icon">
                            <path d="M12 5C6.5 5 2.7 9.3 1.5 12c1.2 2.7 5 7 10.5 7s9.3-4.3 10.5-7C21.3 9.3 17.5 5 12 5zm0 11a4 4 0 1 1 0-8 4 4 0 0 1 0 8zm0-6a2 2 0 1 0 0 4 2 2 0 0 0 0-4z" fill="currentColor" />
                        </svg>
                        " " {t!(i18n, room.watching, n = n)}
                    })}
                </span>
                <span class="room-link" class:room-link-lost=move || feed.link.get() == Link::Lost>
                    {move || match feed.link.get() {
                        Link::Connecting => ().into_any(),
                        Link::Live => t!(i18n, room.link_live).into_any(),
                        Link::Lost => t!(i18n, room.link_lost).into_any(),
                    }}
                </span>
            </header>
            <div class="gift-stage" aria-live="polite">
                <For each=move || feed.playing.get() key=|p| p.seq let:p>
                    {
                        let animation = rules::gift(&p.gift).map_or("float", |g| g.animation);
                        let name = gift_name(i18n, &p.gift);
                        view! {
                            <div class=format!("gift-pop gift-anim-{animation}") data-testid="gift-pop">
                                <GiftIcon class="gift-pop-icon" code=p.gift.clone() size=48 />
                                <span class="gift-pop-text">{t!(i18n, room.sent_gift, name = p.from.clone(), gift = name.clone())}</span>
                            </div>
                        }
                    }
                </For>
            </div>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || room.get().map(|r| match r {
                    Err(e) => view! { <PageError error=e /> }.into_any(),
                    Ok(room) => {
                        feed.messages.update(|list| {
                            for m in room.backlog.iter().cloned() {
                                rules::take_in(list, m);
                            }
                        });
                        let tools = room.moderating.then_some(Moderation { id, remove, moderate });
                        view! {
                            <Messages feed tools />
                            <p class="field-error" role="alert">{move || mod_errors.get().map(|e| error_text(i18n, &e))}</p>
                            <Writing room chat donate gift />
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

/// What a moderator can do to a message of event `id`'s room.
#[derive(Clone, Copy)]
struct Moderation {
    id: i64,
    remove: ServerAction<DeleteMessage>,
    moderate: ServerAction<Moderate>,
}

/// The messages, newest at the bottom (the list is drawn bottom-up, so it stays scrolled
/// there as lines come in). `tools` for the host and their moderators.
#[component]
fn Messages(feed: Feed, tools: Option<Moderation>) -> impl IntoView {
    let i18n = use_i18n();
    let shown = move || {
        feed.messages.with(|list| {
            list.iter()
                .rev()
                .filter(|m| m.kind != MessageKind::Deleted)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <ol class="chat" data-testid="chat">
            <For each=shown key=|m| (m.seq, m.deleted) let:m>
                <MessageLine m tools />
            </For>
        </ol>
        {move || feed.messages.with(Vec::is_empty).then(|| view! { <p class="muted small">{t!(i18n, room.empty)}</p> })}
    }
}

#[component]
fn MessageLine(m: RoomMessage, tools: Option<Moderation>) -> impl IntoView {
    let i18n = use_i18n();
    let who = m
        .author
        .as_ref()
        .map(|a| a.name.clone())
        .unwrap_or_default();
    let amount = m.amount;
    let money = move || {
        amount
            .map(|a| format_money(a, i18n.get_locale()))
            .unwrap_or_default()
    };
    let tools = tools
        .filter(|_| !m.deleted && matches!(m.kind, MessageKind::Chat | MessageKind::Donation))
        .map(|t| view! { <ModTools t seq=m.seq /> });
    let (class, body) = match m.kind {
        MessageKind::Chat | MessageKind::Deleted => (
            "msg",
            if m.deleted {
                view! { <strong>{who}</strong> " " <em class="muted">{t!(i18n, room.removed)}</em> }
                    .into_any()
            } else {
                view! { <strong>{who}</strong> " " <span>{m.body.clone()}</span> }.into_any()
            },
        ),
        MessageKind::Donation => (
            "msg msg-donation",
            view! {
                <p><strong>{who}</strong> " " {t!(i18n, room.donated, amount = money)}</p>
                {(!m.body.is_empty() || m.deleted).then(|| if m.deleted {
                    view! { <p><em class="muted">{t!(i18n, room.removed)}</em></p> }.into_any()
                } else {
                    view! { <p class="msg-donation-text">{m.body.clone()}</p> }.into_any()
                })}
            }
            .into_any(),
        ),
        MessageKind::Gift => {
            let code = m.gift.clone().unwrap_or_default();
            let name = gift_name(i18n, &code);
            (
                "msg msg-gift",
                view! {
                    <GiftIcon class="msg-gift-icon" code=code.clone() size=20 /> " "
                    {t!(i18n, room.sent_gift, name = who, gift = name)} " · " {money}
                }
                .into_any(),
            )
        }
        MessageKind::Stage => (
            "msg msg-system",
            match StageChange::parse(&m.body) {
                Some(StageChange::Live) => t!(i18n, room.news_live).into_any(),
                Some(StageChange::Ended) => t!(i18n, room.news_ended).into_any(),
                Some(StageChange::Cancelled) => t!(i18n, room.news_cancelled).into_any(),
                Some(StageChange::OnStage) => t!(i18n, room.news_on_stage, name = who).into_any(),
                Some(StageChange::OffStage) => t!(i18n, room.news_off_stage, name = who).into_any(),
                None => ().into_any(),
            },
        ),
        MessageKind::Purchase => (
            "msg msg-system msg-purchase",
            view! { <Glyph icon=Icon::Bag /> " " {t!(i18n, room.news_bought, name = who, product = m.body.clone())} }
                .into_any(),
        ),
        MessageKind::Sanction => (
            "msg msg-system",
            match m.body.as_str() {
                "timeout" => t!(
                    i18n,
                    room.news_timeout,
                    name = who,
                    minutes = rules::TIMEOUT_SECS / 60
                )
                .into_any(),
                "ban" => t!(i18n, room.news_ban, name = who).into_any(),
                _ => t!(i18n, room.news_lift, name = who).into_any(),
            },
        ),
    };
    view! {
        <li class=class data-testid="message" data-seq=m.seq.to_string()>
            <div class="msg-body">{body}</div>
            {tools}
        </li>
    }
}

/// Delete, time out and ban, on one message: for the host and their moderators.
#[component]
fn ModTools(t: Moderation, seq: i64) -> impl IntoView {
    let i18n = use_i18n();
    let Moderation {
        id,
        remove,
        moderate,
    } = t;
    let sanction = move |what: &'static str, icon: Icon, label: String| {
        view! {
            <ActionForm action=moderate attr:class="inline-form">
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="seq" value=seq.to_string() />
                <input type="hidden" name="sanction" value=what />
                <button type="submit" class="btn btn-ghost btn-tiny" title=label.clone() aria-label=label><Glyph icon=icon /></button>
            </ActionForm>
        }
    };
    view! {
        <div class="mod-tools">
            <ActionForm action=remove attr:class="inline-form">
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="seq" value=seq.to_string() />
                <button type="submit" class="btn btn-ghost btn-tiny" title=move || t_string!(i18n, room.delete).to_string() aria-label=move || t_string!(i18n, room.delete).to_string()><Glyph icon=Icon::Trash /></button>
            </ActionForm>
            {sanction("timeout", Icon::Timer, t_string!(i18n, room.timeout).to_string())}
            {sanction("ban", Icon::Ban, t_string!(i18n, room.ban).to_string())}
        </div>
    }
}

/// What the viewer may say or give: the chat line, the gifts and a donation, with the
/// receipt of what they gave.
#[component]
fn Writing(
    room: Room,
    chat: ServerAction<SendChat>,
    donate: ServerAction<Donate>,
    gift: ServerAction<SendGift>,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = crate::ui::layout::use_auth();
    let signed_in = move || auth.user.get().and_then(|u| u.ok().flatten()).is_some();
    if !room.open {
        return view! { <p class="muted room-closed">{t!(i18n, room.closed)}</p> }.into_any();
    }
    if let Some(Mute { until }) = room.muted {
        return view! {
            <p class="room-muted" role="status" data-testid="muted">
                {crate::ui::form::problem_text(i18n, crate::error::Problem::Muted { until })}
            </p>
        }
        .into_any();
    }
    let id = room.event_id;
    let chat_errors = action_error(chat);
    let input = NodeRef::<leptos::html::Input>::new();
    // A message sent is cleared from the line; one refused stays, to be mended.
    Effect::new(move || {
        if let (Some(Ok(_)), Some(input)) = (chat.value().get(), input.get()) {
            input.set_value("");
        }
    });
    let paying = !room.hosting;
    let room = StoredValue::new(room);
    view! {
        <Show when=signed_in fallback=move || view! {
            <p class="room-login"><a href="/login" class="btn btn-primary">{t!(i18n, room.login_to_chat)}</a></p>
        }>
            <ActionForm action=chat attr:class="chat-form">
                <input type="hidden" name="id" value=id.to_string() />
                <label for="chat-text" class="visually-hidden">{t!(i18n, room.message)}</label>
                <input id="chat-text" name="text" node_ref=input autocomplete="off" maxlength=MAX_CHAT_CHARS.to_string() required
                    placeholder=move || t_string!(i18n, room.say_something).to_string()
                    aria-invalid=move || chat_errors.get().and_then(|e| e.problem_for("text")).is_some().then_some("true") />
                <button type="submit" class="btn btn-primary" disabled=move || chat.pending().get()>{t!(i18n, room.send)}</button>
            </ActionForm>
            <FieldProblem errors=chat_errors name="text" />
            {paying.then(|| view! { <Giving room=room.get_value() donate gift /> })}
        </Show>
    }
    .into_any()
}

/// The gifts on offer and the donation form, for everyone but the host.
#[component]
fn Giving(room: Room, donate: ServerAction<Donate>, gift: ServerAction<SendGift>) -> impl IntoView {
    let i18n = use_i18n();
    let id = room.event_id.to_string();
    let key = room.key.clone();
    let donate_errors = action_error(donate);
    let gift_errors = action_error(gift);
    let receipt = RwSignal::new(None::<Receipt>);
    Effect::new(move || {
        if let Some(Ok(r)) = donate.value().get() {
            receipt.set(Some(r));
        }
    });
    Effect::new(move || {
        if let Some(Ok(r)) = gift.value().get() {
            receipt.set(Some(r));
        }
    });
    let gifts = room.gifts.into_iter().map(|g| {
        let (id, key) = (id.clone(), key.clone());
        let (price, name) = (g.price, gift_name(i18n, &g.code));
        view! {
            <ActionForm action=gift attr:class="inline-form">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="gift" value=g.code.clone() />
                <input type="hidden" name="price" value=g.price.minor.to_string() />
                <input type="hidden" name="key" value=move || format!("{key}-g{}", gift.version().get()) />
                <button type="submit" class="gift-button" disabled=move || gift.pending().get() data-testid=format!("gift-{}", g.code)>
                    <GiftIcon class="gift-button-icon" code=g.code.clone() size=32 />
                    <span>{name}</span>
                    <span class="small">{move || format_money(price, i18n.get_locale())}</span>
                </button>
            </ActionForm>
        }
    }).collect_view();
    let min = room.donation_min;
    let label = move |key: fn(I18nContext<Locale>) -> String| Signal::derive(move || key(i18n));
    view! {
        <div class="gift-row" role="group" aria-label=move || t_string!(i18n, room.gifts).to_string()>{gifts}</div>
        <FieldProblem errors=gift_errors name="gift" />
        <details class="donate">
            <summary>{t!(i18n, room.donate_title)}</summary>
            <ActionForm action=donate attr:class="form">
                <input type="hidden" name="id" value=id.clone() />
                <input type="hidden" name="key" value=move || format!("{key}-d{}", donate.version().get()) />
                <Field name="amount" label=label(|i| t_string!(i, room.amount).to_string()) errors=donate_errors
                    value=format_amount_input(min, i18n.get_locale_untracked()) inputmode="decimal" prefix="€" required=true
                    hint=Signal::derive(move || format!("{} {}", t_string!(i18n, room.donation_from), format_money(min, i18n.get_locale()))) />
                <TextArea name="message" label=label(|i| t_string!(i, room.donation_message).to_string()) errors=donate_errors maxlength=room.donation_message_max />
                <button type="submit" class="btn btn-primary" disabled=move || donate.pending().get()>{t!(i18n, room.donate)}</button>
            </ActionForm>
        </details>
        {move || receipt.get().map(|r| view! { <ReceiptLine r /> })}
    }
}

/// What a gift or a donation cost and who got it: the platform's 0% in plain sight.
#[component]
fn ReceiptLine(r: Receipt) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    view! {
        <p class="receipt-line" role="status" data-testid="room-receipt">
            {t!(i18n, room.receipt_paid, amount = move || format_money(r.paid, locale()))} " · "
            {t!(i18n, room.receipt_fee, fee = move || format_money(r.platform_fee, locale()))} " · "
            {t!(i18n, room.receipt_host, name = r.host_name.clone(), amount = move || format_money(r.host_receives, locale()))}
        </p>
    }
}

/// The host's settings for the room: slow mode, blocked words, moderators, and which gifts
/// are on offer at what price.
#[component]
pub fn RoomSettings(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let save_rules = ServerAction::<SetRoomRules>::new();
    let save_gifts = ServerAction::<SetGifts>::new();
    let room = Resource::new(
        move || (id, save_rules.version().get(), save_gifts.version().get()),
        |(id, ..)| get_room(id),
    );
    let rules_errors = action_error(save_rules);
    let gift_errors = action_error(save_gifts);
    let label = move |key: fn(I18nContext<Locale>) -> String| Signal::derive(move || key(i18n));
    view! {
        <section class="card room-settings">
            <h2>{t!(i18n, room.settings)}</h2>
            <Transition fallback=|| ()>
                {move || room.get().map(|r| match r {
                    Err(e) => view! { <PageError error=e /> }.into_any(),
                    Ok(room) => {
                        let room_rules = room.rules.clone();
                        let moderators: Vec<String> = room_rules.moderators.iter().map(|h| format!("@{h}")).collect();
                        let moderators = moderators.join(", ");
                        view! {
                            <ActionForm action=save_rules attr:class="form">
                                <input type="hidden" name="id" value=id.to_string() />
                                <Field name="slow_mode_secs" kind="number" label=label(|i| t_string!(i, room.slow_mode).to_string())
                                    hint=label(|i| t_string!(i, room.slow_mode_hint).to_string()) errors=rules_errors value=room_rules.slow_mode_secs.to_string() />
                                <TextArea name="blocked_words" label=label(|i| t_string!(i, room.blocked_words).to_string())
                                    errors=rules_errors value=room_rules.blocked_words.join("\n") maxlength=8000 />
                                <Field name="moderators" label=label(|i| t_string!(i, room.moderators).to_string())
                                    hint=label(|i| t_string!(i, room.moderators_hint).to_string()) errors=rules_errors value=moderators />
                                <button type="submit" class="btn btn-primary" disabled=move || save_rules.pending().get()>{t!(i18n, room.save)}</button>
                            </ActionForm>
                            <h3>{t!(i18n, room.gifts)}</h3>
                            <ActionForm action=save_gifts attr:class="form gift-settings">
                                <input type="hidden" name="id" value=id.to_string() />
                                {room.gifts.iter().map(|g| {
                                    let price_id = format!("gift-price-{}", g.code);
                                    view! {
                                        <div class="gift-setting">
                                            <label class="check">
                                                <input type="checkbox" name="on[]" value=g.code.clone() checked=g.on />
                                                <GiftIcon code=g.code.clone() size=20 /> {gift_name(i18n, &g.code)}
                                            </label>
                                            <div class="input-prefixed">
                                                <span>"€"</span>
                                                <input id=price_id name="prices[]" inputmode="decimal"
                                                    value=format_amount_input(g.price, i18n.get_locale_untracked())
                                                    aria-label=format!("{} {}", t_string!(i18n, room.price), gift_name(i18n, &g.code)) />
                                            </div>
                                            <FieldProblem errors=gift_errors name=rules::gift(&g.code).map_or("form", |c| c.code) />
                                        </div>
                                    }
                                }).collect_view()}
                                <p class="field-error" role="alert">{move || gift_errors.get().filter(|e| e.problem_for("form").is_some()).map(|e| error_text(i18n, &e))}</p>
                                <button type="submit" class="btn btn-primary" disabled=move || save_gifts.pending().get()>{t!(i18n, room.save)}</button>
                            </ActionForm>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}
