//! Live-event pages: scheduling one (`/live/new`), the event page fans book on
//! (`/live/:id`, also at `/:handle/live/:id`), and the host's studio (`/live/:id/studio`).

use crate::ui::picture::Picture;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::api::{
    get_event, get_studio, list_events, BookSlot, MoveSlot, RemindMe, RunEvent, ScheduleEvent,
    TakeSlotStep as TakeStep, TopUpToBook,
};
use super::merch::view::{MerchPins, PinnedMerch};
use super::room::view::{News, RoomPanel, RoomSettings};
use super::rules;
use super::types::*;
use super::video::view::{hydrated, FanCamera, Stage, StudioVideo};
use crate::i18n::*;
use crate::ui::date::format_date_time;
use crate::ui::form::{
    action_error, list_view, Field, FieldProblem, FormError, PageError, TextArea,
};
use crate::ui::money::format_money;
use crate::ui::upload::UploadButton;
use crate::ui::zone::{use_zone, zone_label};

/// Refetches `refresh` every `secs` seconds once the page runs in the browser, so the queue
/// and the countdown follow what happens.
fn keep_fresh(secs: u64, refresh: impl Fn() + Clone + 'static) {
    Effect::new(move || {
        if let Ok(handle) =
            set_interval_with_handle(refresh.clone(), std::time::Duration::from_secs(secs))
        {
            on_cleanup(move || handle.clear());
        }
    });
}

fn purpose_label(i18n: I18nContext<Locale>, p: StagePurpose) -> AnyView {
    match p {
        StagePurpose::Questions => t!(i18n, live.purpose_questions).into_any(),
        StagePurpose::Chat => t!(i18n, live.purpose_chat).into_any(),
        StagePurpose::Selfie => t!(i18n, live.purpose_selfie).into_any(),
    }
}

fn event_state_label(i18n: I18nContext<Locale>, s: EventState) -> AnyView {
    match s {
        EventState::Scheduled => t!(i18n, live.scheduled).into_any(),
        EventState::Live => t!(i18n, live.live).into_any(),
        EventState::Ended => t!(i18n, live.ended).into_any(),
        EventState::Cancelled => t!(i18n, live.cancelled).into_any(),
    }
}

pub fn slot_state_label(i18n: I18nContext<Locale>, s: SlotState) -> AnyView {
    match s {
        SlotState::Queued => t!(i18n, live.slot_queued).into_any(),
        SlotState::Backstage => t!(i18n, live.slot_backstage).into_any(),
        SlotState::Ready => t!(i18n, live.slot_ready).into_any(),
        SlotState::OnStage => t!(i18n, live.slot_on_stage).into_any(),
        SlotState::Done => t!(i18n, live.slot_done).into_any(),
        SlotState::Skipped => t!(i18n, live.slot_skipped).into_any(),
        SlotState::NoShow => t!(i18n, live.slot_no_show).into_any(),
        SlotState::Cancelled => t!(i18n, live.slot_cancelled).into_any(),
        SlotState::Unplayed => t!(i18n, live.slot_unplayed).into_any(),
    }
}

/// `2 d 03:04:05`, `03:04:05` or `04:05` for a number of seconds.
pub fn clock_text(secs: i64, day: &str) -> String {
    let secs = secs.max(0);
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3_600,
        secs % 3_600 / 60,
        secs % 60,
    );
    match (d, h) {
        (0, 0) => format!("{m:02}:{s:02}"),
        (0, h) => format!("{h:02}:{m:02}:{s:02}"),
        (d, h) => format!("{d} {day} {h:02}:{m:02}:{s:02}"),
    }
}

/// A slot's length as people say it: `2 min`, `1 min 30 s`, `45 s`.
fn duration_text(secs: u32) -> String {
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

/// A clock that ticks every second in the browser, starting from the server's `now` so the
/// page the server sent and the one the browser hydrates agree.
fn ticking(now: i64) -> ReadSignal<i64> {
    let (clock, set_clock) = signal(now);
    // From the browser's wall clock rather than by counting ticks: a background tab's timers
    // are slowed to one a minute, and a counted clock would fall behind the rules it shows.
    let loaded_ms = wall_clock_ms();
    keep_fresh(1, move || {
        set_clock.set(now + ((wall_clock_ms() - loaded_ms) / 1_000.0) as i64)
    });
    clock
}

/// The browser's clock in milliseconds; pages rendered on the server never tick.
fn wall_clock_ms() -> f64 {
    #[cfg(not(feature = "ssr"))]
    return js_sys::Date::now();
    #[cfg(feature = "ssr")]
    0.0
}

/// Schedules an event, then opens its studio.
#[component]
pub fn ScheduleEventPage() -> impl IntoView {
    let i18n = use_i18n();
    let schedule = ServerAction::<ScheduleEvent>::new();
    let errors = action_error(schedule);
    let label = move |key: fn(I18nContext<Locale>) -> String| Signal::derive(move || key(i18n));
    view! {
        <Title text=move || t_string!(i18n, live.new_title).to_string() />
        <div class="settings">
            <h1>{t!(i18n, live.new_title)}</h1>
            <p class="muted">{t!(i18n, live.new_lede)}</p>
            <ActionForm action=schedule attr:class="form">
                <section class="card settings-section">
                    <h2>{t!(i18n, live.the_event)}</h2>
                    <Field name="title" label=label(|i| t_string!(i, live.field_title).to_string()) errors required=true />
                    <TextArea name="description" label=label(|i| t_string!(i, live.field_description).to_string()) errors maxlength=2000 />
                    <div class="form-grid">
                        <Field name="starts_at" kind="datetime-local" label=label(|i| t_string!(i, live.starts_at).to_string()) hint=Signal::derive(move || format!("{} {}.", t_string!(i18n, live.starts_at_hint), zone_label())) errors required=true />
                        // The zone the time is typed in: the reader's, as every page shows it.
                        <input type="hidden" name="time_zone" value=move || use_zone().name().to_owned() />
                        <Field name="planned_minutes" kind="number" label=label(|i| t_string!(i, live.planned_minutes).to_string()) errors value="60" required=true />
                    </div>
                </section>
                <section class="card settings-section">
                    <h2>{t!(i18n, live.stage_slots)}</h2>
                    <p class="field-hint">{t!(i18n, live.stage_slots_hint)}</p>
                    <div class="form-grid">
                        <Field name="slot_count" kind="number" label=label(|i| t_string!(i, live.slot_count).to_string()) errors value="5" required=true />
                        <Field name="slot_secs" kind="number" label=label(|i| t_string!(i, live.slot_secs_field).to_string()) errors value="120" required=true />
                        <Field name="slot_price" label=label(|i| t_string!(i, live.slot_price).to_string()) errors value="15" inputmode="decimal" prefix="€" required=true />
                        <div class="field">
                            <label for="field-slot_purpose">{t!(i18n, live.slot_purpose)}</label>
                            <select id="field-slot_purpose" name="slot_purpose">
                                {StagePurpose::ALL.iter().map(|p| view! { <option value=p.as_str()>{purpose_label(i18n, *p)}</option> }).collect_view()}
                            </select>
                            <FieldProblem errors name="slot_purpose" />
                        </div>
                        <Field name="slots_per_fan" kind="number" label=label(|i| t_string!(i, live.slots_per_fan).to_string()) errors value="1" required=true />
                        <Field name="cancel_cutoff_hours" kind="number" label=label(|i| t_string!(i, live.cancel_cutoff_hours).to_string()) errors value="1" required=true />
                        <Field name="no_show_secs" kind="number" label=label(|i| t_string!(i, live.no_show_secs).to_string()) errors value="90" required=true />
                    </div>
                </section>
                <section class="card settings-section">
                    <h2>{t!(i18n, live.donations)}</h2>
                    <div class="form-grid">
                        <Field name="donation_min" label=label(|i| t_string!(i, live.donation_min).to_string()) errors value="2" inputmode="decimal" prefix="€" required=true />
                        <Field name="donation_message_max" kind="number" label=label(|i| t_string!(i, live.donation_message_max).to_string()) errors value="200" required=true />
                    </div>
                </section>
                <FormError errors fields=&["title", "description", "starts_at", "planned_minutes", "slot_count", "slot_secs", "slot_price", "slot_purpose", "slots_per_fan", "cancel_cutoff_hours", "no_show_secs", "donation_min", "donation_message_max"] />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || schedule.pending().get()>{t!(i18n, live.schedule)}</button>
                </div>
            </ActionForm>
        </div>
    }
}

fn event_id() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse().ok()).unwrap_or(0)))
}

/// The event page: countdown, what the host offers, and the fan's booking.
#[component]
pub fn EventPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = event_id();
    let book = ServerAction::<BookSlot>::new();
    let step = ServerAction::<TakeStep>::new();
    let remind = ServerAction::<RemindMe>::new();
    let event = Resource::new(
        move || {
            (
                id.get(),
                book.version().get(),
                step.version().get(),
                remind.version().get(),
            )
        },
        |(id, ..)| get_event(id),
    );
    let book_errors = action_error(book);
    let step_errors = action_error(step);
    // The video keeps its connections across the page's re-reads: it follows only what it shows.
    let shown = hydrated();
    let loaded = move || {
        shown
            .get()
            .then(|| event.get().and_then(Result::ok))
            .flatten()
    };
    let live = Memo::new(move |_| loaded().is_some_and(|e| e.state == EventState::Live));
    let host_name = Memo::new(move |_| loaded().map(|e| e.host_name).unwrap_or_default());
    let cover = Memo::new(move |_| loaded().and_then(|e| e.cover_url));
    let guest = Memo::new(move |_| loaded().and_then(|e| e.guest));
    // The viewer's own slot from the moment they are called backstage.
    let mine = Memo::new(move |_| {
        loaded().and_then(|e| e.my_slots.into_iter().find(|s| s.state.is_called()))
    });
    let me_on_stage =
        Signal::derive(move || mine.get().is_some_and(|s| s.state == SlotState::OnStage));
    let my_slot = Signal::derive(move || mine.get().map(|s| s.id));
    // The room tells when the stage or the queue changed: the page reads the event again.
    view! {
        <div class="event-layout">
            <div class="event-main">
            {move || {
                let event = id.get();
                view! {
                    <Stage event live=live.into() host_name=host_name.into() guest=guest.into() me_on_stage cover=cover.into() />
                    <FanCamera event stage_slot=my_slot on_stage=me_on_stage />
                }
            }}
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || event.get().map(|r| match r {
                    Err(e) => view! { <PageError error=e /> }.into_any(),
                    Ok(e) => view! { <EventView e book book_errors step step_errors remind /> }.into_any(),
                })}
            </Transition>
            </div>
            {move || {
                let id = id.get();
                view! { <RoomPanel id on_news=move |news| if news == News::Stage { event.refetch() } /> }
            }}
        </div>
    }
}

#[component]
fn EventView(
    e: Event,
    book: ServerAction<BookSlot>,
    book_errors: Signal<Option<crate::error::AppError>>,
    step: ServerAction<TakeStep>,
    step_errors: Signal<Option<crate::error::AppError>>,
    remind: ServerAction<RemindMe>,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = crate::ui::layout::use_auth();
    let signed_in = move || auth.user.get().and_then(|u| u.ok().flatten()).is_some();
    let clock = ticking(e.now);
    let reminding = e.reminding;
    let remindable = e.state == EventState::Scheduled && !e.hosting;
    let starts_at = e.starts_at;
    let title = e.title.clone();
    let host_name = e.host_name.clone();
    let price = e.offers.slot_price;
    let donation_min = e.offers.donation_min;
    let (secs, purpose, left) = (e.offers.slot_secs, e.offers.slot_purpose, e.slots_left());
    let held = e.my_slots.iter().filter(|s| s.state.is_open()).count();
    let offer = rules::booking_offer(
        e.state,
        e.hosting,
        e.offers.slot_count,
        left,
        u32::try_from(held).unwrap_or(u32::MAX),
        e.offers.slots_per_fan,
    );
    // The terms a slot booked now would carry: cancelling until its cut-off, or final.
    let event_state = e.state;
    let new_cancel_until = rules::cancel_until(starts_at, e.offers.cancel_cutoff_secs);
    let terms_open = Memo::new(move |_| {
        rules::may_cancel(
            SlotState::Queued,
            event_state,
            new_cancel_until,
            clock.get(),
        )
    });
    let cancel_terms = move || {
        if terms_open.get() {
            view! { {t!(i18n, live.cancel_until)} " " {format_date_time(new_cancel_until, i18n.get_locale())} " (" {zone_label()} ")" }.into_any()
        } else if event_state == EventState::Live {
            t!(i18n, live.bookings_final_live).into_any()
        } else {
            t!(i18n, live.bookings_final).into_any()
        }
    };
    // Topping up opens the card payment, which comes back to this page.
    let top_up = ServerAction::<TopUpToBook>::new();
    Effect::new(move || {
        if let Some(Ok(url)) = top_up.value().get() {
            if let Err(e) = window().location().set_href(&url) {
                leptos::logging::error!("could not open the checkout: {e:?}");
            }
        }
    });
    // A fresh one-time key per page view: a form sent twice books once.
    let key = StoredValue::new(format!("{}-{}", e.id, e.now));
    let id = e.id;
    view! {
        <Title text=title.clone() />
        <article class="event">
            // Live, the cover is the stage's backdrop until the video comes.
            {e.cover_url.clone().filter(|_| e.state != EventState::Live).map(|src| view! { <Picture class="event-cover" src=src sizes="(min-width: 1200px) 720px, 100vw" testid="event-cover" /> })}
            <header class="page-head event-head">
                <span class=format!("badge event-{}", e.state.as_str())>{event_state_label(i18n, e.state)}</span>
                <h1>{title}</h1>
                <p class="muted">
                    <a href=format!("/@{}", e.host_handle)>{e.host_name.clone()}</a>
                    " · " {move || format_date_time(starts_at, i18n.get_locale())} " (" {move || zone_label()} ")"
                </p>
                {(e.state == EventState::Scheduled).then(|| view! {
                    <p class="countdown" data-testid="countdown">
                        {t!(i18n, live.starts_in)} " "
                        <strong>{move || clock_text(starts_at - clock.get(), t_string!(i18n, live.day_unit))}</strong>
                    </p>
                })}
                {e.hosting.then(|| view! {
                    <a href=format!("/live/{}/studio", e.id) class="btn btn-primary">{t!(i18n, live.open_studio)}</a>
                })}
                {remindable.then(|| view! {
                    <Show when=signed_in>
                        <ActionForm action=remind attr:class="inline-form remind">
                            <input type="hidden" name="id" value=id.to_string() />
                            <input type="hidden" name="on" value=(!reminding).to_string() />
                            {if reminding {
                                view! {
                                    <span class="reminding" data-testid="reminding">{t!(i18n, live.reminding)}</span>
                                    <button type="submit" class="btn btn-ghost btn-small">{t!(i18n, live.stop_reminding)}</button>
                                }.into_any()
                            } else {
                                view! { <button type="submit" class="btn btn-ghost">{t!(i18n, live.remind_me)}</button> }.into_any()
                            }}
                        </ActionForm>
                    </Show>
                })}
            </header>
            {(!e.description.is_empty()).then(|| view! { <p class="event-description">{e.description.clone()}</p> })}
            <section class="card event-offer" data-testid="stage-offer">
                <h2>{t!(i18n, live.stage_slots)}</h2>
                <dl class="found-facts">
                    <div><dt>{t!(i18n, live.slot_price)}</dt><dd>{move || format_money(price, i18n.get_locale())}</dd></div>
                    <div><dt>{t!(i18n, live.slot_secs)}</dt><dd>{duration_text(secs)}</dd></div>
                    <div><dt>{t!(i18n, live.slot_purpose)}</dt><dd>{purpose_label(i18n, purpose)}</dd></div>
                    <div><dt>{t!(i18n, live.slots_left)}</dt><dd data-testid="slots-left">{left} " / " {e.offers.slot_count}</dd></div>
                </dl>
                <p class="field-hint">{t!(i18n, live.hold_rule)}</p>
                // A slot holder reads their booking's terms on its own line: a new booking's terms
                // are said only where one can be made.
                {(offer == rules::BookingOffer::Book).then(|| view! { <p class="field-hint" data-testid="cancel-terms">{cancel_terms}</p> })}
                {e.my_slots.iter().map(|s| {
                    let s = s.clone();
                    view! { <MySlotLine s event_state clock step step_errors /> }
                }).collect_view()}
                {match offer {
                    rules::BookingOffer::Nothing => ().into_any(),
                    rules::BookingOffer::SoldOut => view! { <p class="sold-out" role="status">{t!(i18n, live.sold_out)}</p> }.into_any(),
                    rules::BookingOffer::AllTakenWithYours => view! { <p class="muted" role="status">{t!(i18n, live.all_taken_yours_kept)}</p> }.into_any(),
                    rules::BookingOffer::HoldingMost { max } => view! { <p class="muted" role="status" data-testid="holding-most">{t!(i18n, live.holding_most, count = move || u64::from(max))}</p> }.into_any(),
                    rules::BookingOffer::Book => view! {
                        <Show when=move || auth.user.get().and_then(|u| u.ok().flatten()).is_some() fallback=move || view! {
                            <a href="/login" class="btn btn-primary">{t!(i18n, live.login_to_book)}</a>
                        }>
                            <ActionForm action=book attr:class="inline-form">
                                <input type="hidden" name="id" value=id.to_string() />
                                <input type="hidden" name="key" value=key.get_value() />
                                <input type="hidden" name="price" value=price.minor.to_string() />
                                <button type="submit" class="btn btn-primary" disabled=move || book.pending().get()>
                                    {t!(i18n, live.book)} " · " {move || format_money(price, i18n.get_locale())}
                                </button>
                            </ActionForm>
                        </Show>
                        <p class="field-error" role="alert">{move || book_errors.get().map(|e| crate::ui::form::error_text(i18n, &e))}</p>
                        <Show
                            when=move || book_errors.get().is_some_and(|e| e.problem_for("slot") == Some(crate::error::Problem::InsufficientFunds))
                            fallback=move || signed_in().then(|| view! { <a href="/wallet" class="small">{t!(i18n, live.top_up)}</a> })
                        >
                            <ActionForm action=top_up attr:class="inline-form">
                                <input type="hidden" name="id" value=id.to_string() />
                                <button type="submit" class="btn btn-ghost" disabled=move || top_up.pending().get()>{t!(i18n, live.top_up_and_back)}</button>
                            </ActionForm>
                        </Show>
                    }.into_any(),
                }}
            </section>
            <PinnedMerch event=e.id host_name merch=e.merch.clone() hosting=e.hosting />
            <section class="card event-offer">
                <h2>{t!(i18n, live.donations)}</h2>
                <p>{t!(i18n, live.donation_from)} " " {move || format_money(donation_min, i18n.get_locale())}</p>
            </section>
        </article>
    }
}

/// One of the fan's own slots: where it stands and what they can do about it.
#[component]
fn MySlotLine(
    s: MySlot,
    event_state: EventState,
    clock: ReadSignal<i64>,
    step: ServerAction<TakeStep>,
    step_errors: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = s.id.to_string();
    let cancel_until = s.cancel_until;
    let action = move |name: &'static str, label: AnyView, class: &'static str| {
        let id = id.clone();
        view! {
            <ActionForm action=step attr:class="inline-form">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="step" value=name />
                <button type="submit" class=class>{label}</button>
            </ActionForm>
        }
    };
    view! {
        <div class=format!("my-slot my-slot-{}", s.state.as_str()) data-testid="my-slot">
            <p>
                <strong>{slot_state_label(i18n, s.state)}</strong>
                {s.place.map(|p| view! { " · " {t!(i18n, live.place, place = p)} })}
            </p>
            {match s.state {
                SlotState::Queued => {
                    // Offered while the rules allow it, gone the second the cut-off passes.
                    let open = Memo::new(move |_| rules::may_cancel(SlotState::Queued, event_state, cancel_until, clock.get()));
                    (move || if open.get() {
                        view! {
                            <p class="muted small">{t!(i18n, live.cancel_until)} " " {format_date_time(cancel_until, i18n.get_locale())} " (" {zone_label()} ")"</p>
                            {action("cancel", t!(i18n, live.cancel_booking).into_any(), "btn btn-ghost")}
                        }.into_any()
                    } else {
                        view! { <p class="muted small" data-testid="booking-final">{if event_state == EventState::Live {
                            t!(i18n, live.booking_final_live).into_any()
                        } else {
                            t!(i18n, live.booking_final).into_any()
                        }}</p> }.into_any()
                    }).into_any()
                }
                SlotState::Backstage => view! {
                    <p>{t!(i18n, live.backstage_now)}</p>
                    {action("ready", t!(i18n, live.i_am_ready).into_any(), "btn btn-primary")}
                }.into_any(),
                _ => ().into_any(),
            }}
            <p class="field-error" role="alert">{move || step_errors.get().map(|e| crate::ui::form::error_text(i18n, &e))}</p>
        </div>
    }
}

/// The host's studio: start and end the event, run the queue, see the totals.
#[component]
pub fn StudioPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = event_id();
    let step = ServerAction::<TakeStep>::new();
    let run = ServerAction::<RunEvent>::new();
    let reorder = ServerAction::<MoveSlot>::new();
    let uploads = RwSignal::new(0u32);
    let studio = Resource::new(
        move || {
            (
                id.get(),
                step.version().get(),
                run.version().get(),
                reorder.version().get(),
                uploads.get(),
            )
        },
        |(id, ..)| get_studio(id),
    );
    let step_errors = action_error(step);
    let run_errors = action_error(run);
    let shown = hydrated();
    let loaded = move || {
        shown
            .get()
            .then(|| studio.get().and_then(Result::ok).map(|s| s.event))
            .flatten()
    };
    let live = Memo::new(move |_| loaded().is_some_and(|e| e.state == EventState::Live));
    let guest = Memo::new(move |_| loaded().and_then(|e| e.guest));
    view! {
        <Title text=move || t_string!(i18n, live.studio).to_string() />
        <div class="event-layout">
            <div class="event-main">
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || studio.get().map(|r| match r {
                    Err(e) => view! { <PageError error=e /> }.into_any(),
                    Ok(s) => view! { <StudioHead e=s.event run run_errors /> }.into_any(),
                })}
            </Transition>
            {move || {
                let event = id.get();
                view! { <StudioVideo event guest=guest.into() live=live.into() /> }
            }}
            <Transition fallback=|| ()>
                {move || studio.get().and_then(Result::ok).map(|s| view! { <StudioView s step step_errors reorder uploads /> })}
            </Transition>
            </div>
            {move || {
                let id = id.get();
                view! {
                    <div class="studio-side">
                        <RoomPanel id on_news=move |_| studio.refetch() />
                        <MerchPins id />
                        <RoomSettings id />
                    </div>
                }
            }}
        </div>
    }
}

/// The studio's title and the event's own controls (go live, end, cancel).
#[component]
fn StudioHead(
    e: Event,
    run: ServerAction<RunEvent>,
    run_errors: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = e.id.to_string();
    let run_form = |name: &'static str, label: AnyView, class: &'static str| {
        let id = id.clone();
        view! {
            <ActionForm action=run attr:class="inline-form">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="step" value=name />
                <button type="submit" class=class>{label}</button>
            </ActionForm>
        }
    };
    view! {
        <header class="page-head">
            <span class=format!("badge event-{}", e.state.as_str())>{event_state_label(i18n, e.state)}</span>
            <h1>{t!(i18n, live.studio)} " · " {e.title.clone()}</h1>
            <p><a href=format!("/live/{}", e.id)>{t!(i18n, live.event_page)}</a></p>
            <div class="studio-controls">
                {match e.state {
                    EventState::Scheduled => view! {
                        {run_form("start", t!(i18n, live.go_live).into_any(), "btn btn-primary")}
                        {run_form("cancel", t!(i18n, live.cancel_event).into_any(), "btn btn-ghost")}
                    }.into_any(),
                    EventState::Live => run_form("end", t!(i18n, live.end_event).into_any(), "btn btn-danger").into_any(),
                    _ => ().into_any(),
                }}
            </div>
            <p class="field-error" role="alert">{move || run_errors.get().map(|e| crate::ui::form::error_text(i18n, &e))}</p>
        </header>
    }
}

#[component]
fn StudioView(
    s: Studio,
    step: ServerAction<TakeStep>,
    step_errors: Signal<Option<crate::error::AppError>>,
    reorder: ServerAction<MoveSlot>,
    /// Counts the covers uploaded, so the studio is read again after each.
    uploads: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let e = s.event;
    let clock = ticking(e.now);
    let (earned, held) = (s.slots_earned, s.slots_held);
    let (gifts, donations, merch) = (s.gifts, s.donations, s.merch);
    let cover = e.cover_url.clone();
    view! {
        <div class="studio">
            <div class="studio-grid">
                <section class="card studio-stage" aria-label=move || t_string!(i18n, live.stage).to_string()>
                    <h2>{t!(i18n, live.stage)}</h2>
                    <dl class="found-facts">
                        <div><dt>{t!(i18n, live.slots_earned)}</dt><dd data-testid="slots-earned">{move || format_money(earned, i18n.get_locale())}</dd></div>
                        <div><dt>{t!(i18n, live.slots_held)}</dt><dd>{move || format_money(held, i18n.get_locale())}</dd></div>
                        <div><dt>{t!(i18n, live.slots_left)}</dt><dd>{e.slots_left()} " / " {e.offers.slot_count}</dd></div>
                    </dl>
                </section>
                <section class="card studio-totals" data-testid="studio-totals">
                    <h2>{t!(i18n, live.totals)}</h2>
                    <dl class="found-facts">
                        <div><dt>{t!(i18n, live.gifts_earned)}</dt><dd data-testid="gifts-total">{move || format_money(gifts, i18n.get_locale())}</dd></div>
                        <div><dt>{t!(i18n, live.donations_earned)}</dt><dd data-testid="donations-total">{move || format_money(donations, i18n.get_locale())}</dd></div>
                        <div><dt>{t!(i18n, live.merch_sold)}</dt><dd data-testid="merch-total">{move || format_money(merch.total, i18n.get_locale())} <span class="muted small">" · " {t!(i18n, live.merch_orders, count = move || u64::from(merch.orders))}</span></dd></div>
                    </dl>
                </section>
                <section class="card studio-queue">
                    <h2>{t!(i18n, live.queue)}</h2>
                    {(s.queue.is_empty()).then(|| view! { <p class="muted">{t!(i18n, live.queue_empty)}</p> })}
                    <ol class="queue" data-testid="queue">
                        {s.queue.into_iter().map(|q| view! { <QueueLine q live=e.state == EventState::Live clock step reorder /> }).collect_view()}
                    </ol>
                    <p class="field-error" role="alert">{move || step_errors.get().map(|e| crate::ui::form::error_text(i18n, &e))}</p>
                </section>
                <section class="card studio-cover">
                    <h2>{t!(i18n, live.cover)}</h2>
                    {cover.clone().map(|src| view! { <Picture class="studio-cover-img" src=src sizes="(min-width: 720px) 260px, 100vw" testid="studio-cover" /> })}
                    <UploadButton
                        path=super::cover_path(e.id)
                        id="event-cover"
                        label=Signal::derive(move || if cover.is_some() { t_string!(i18n, live.change_cover).to_string() } else { t_string!(i18n, live.add_cover).to_string() })
                        accept="image/png,image/jpeg,image/webp,image/gif"
                        uploads
                        max_kib=super::rules::COVER_MAX_KIB
                        error_id="cover-error"
                    >
                        {t!(i18n, live.cover_hint, max_mib = super::rules::COVER_MAX_KIB / 1024)}
                    </UploadButton>
                </section>
            </div>
        </div>
    }
}

#[component]
fn QueueLine(
    q: QueuedSlot,
    live: bool,
    clock: ReadSignal<i64>,
    step: ServerAction<TakeStep>,
    reorder: ServerAction<MoveSlot>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = q.id.to_string();
    let button = |name: &'static str, label: AnyView, class: &'static str| {
        let id = id.clone();
        view! {
            <ActionForm action=step attr:class="inline-form">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="step" value=name />
                <button type="submit" class=class>{label}</button>
            </ActionForm>
        }
    };
    let mover = |up: bool| {
        let id = id.clone();
        view! {
            <ActionForm action=reorder attr:class="inline-form">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="up" value=up.to_string() />
                <button type="submit" class="btn btn-ghost btn-small" aria-label=move || if up { t_string!(i18n, live.move_up).to_string() } else { t_string!(i18n, live.move_down).to_string() }>
                    {if up { "↑" } else { "↓" }}
                </button>
            </ActionForm>
        }
    };
    let (ends_at, answer_by, charged) = (q.ends_at, q.answer_by, q.charged);
    view! {
        <li class=format!("queue-line slot-{}", q.state.as_str()) data-testid="queue-line">
            <div class="queue-who">
                <strong>{q.fan_name.clone()}</strong>
                <span class="muted">" @" {q.fan_handle.clone()}</span>
            </div>
            <span class=format!("badge slot-badge-{}", q.state.as_str())>{slot_state_label(i18n, q.state)}</span>
            {ends_at.map(|at| view! { <span class="timer" data-testid="stage-timer">{move || clock_text(at - clock.get(), t_string!(i18n, live.day_unit))}</span> })}
            {answer_by.map(|at| view! { <span class="muted small">{t!(i18n, live.answer_within)} " " {move || clock_text(at - clock.get(), t_string!(i18n, live.day_unit))}</span> })}
            {charged.map(|c| view! { <span class="small">{move || format_money(c, i18n.get_locale())}</span> })}
            <div class="queue-actions">
                {match (q.state, live) {
                    (SlotState::Queued, true) => view! {
                        {mover(true)} {mover(false)}
                        {button("call", t!(i18n, live.call).into_any(), "btn btn-primary btn-small")}
                        {button("skip", t!(i18n, live.skip).into_any(), "btn btn-ghost btn-small")}
                    }.into_any(),
                    (SlotState::Queued, false) => view! { {mover(true)} {mover(false)} }.into_any(),
                    (SlotState::Backstage, _) => button("skip", t!(i18n, live.skip).into_any(), "btn btn-ghost btn-small").into_any(),
                    (SlotState::Ready, _) => view! {
                        {button("on_stage", t!(i18n, live.bring_on).into_any(), "btn btn-primary btn-small")}
                        {button("skip", t!(i18n, live.skip).into_any(), "btn btn-ghost btn-small")}
                    }.into_any(),
                    (SlotState::OnStage, _) => view! {
                        {button("extend", t!(i18n, live.extend).into_any(), "btn btn-ghost btn-small")}
                        {button("finish", t!(i18n, live.finish).into_any(), "btn btn-primary btn-small")}
                    }.into_any(),
                    _ => ().into_any(),
                }}
            </div>
        </li>
    }
}

/// `/live`: every event live now or coming up; a creator also finds theirs and schedules more.
#[component]
pub fn LivePage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = crate::ui::layout::use_auth();
    let creator = move || {
        auth.user
            .get()
            .and_then(|u| u.ok().flatten())
            .filter(|u| u.role == crate::accounts::types::Role::Creator)
    };
    view! {
        <Title text=move || t_string!(i18n, nav.live).to_string() />
        <header class="page-head">
            <h1>{t!(i18n, live.home_title)}</h1>
        </header>
        <Transition fallback=|| ()>
            {move || creator().map(|u| view! {
                <a href="/live/new" class="btn btn-primary">{t!(i18n, live.new_title)}</a>
                <section class="featured">
                    <h2>{t!(i18n, live.my_events)}</h2>
                    <EventList handle=u.handle.clone() />
                </section>
            })}
        </Transition>
        <EventList />
    }
}

/// Events live now and coming up, as the home page and a creator's page list them.
#[component]
pub fn EventList(#[prop(optional)] handle: String) -> impl IntoView {
    let i18n = use_i18n();
    let events = Resource::new(move || handle.clone(), list_events);
    view! {
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || events.get().map(|r| list_view(
                r,
                || view! { <p class="muted">{t!(i18n, live.none_coming)}</p> }.into_any(),
                |list| view! {
                    <ul class="event-list" data-testid="events">
                        {list.into_iter().map(|l| {
                            let (starts_at, price) = (l.starts_at, l.slot_price);
                            view! {
                                <li class="card event-card" class:with-cover=l.cover_url.is_some()>
                                    {l.cover_url.clone().map(|src| view! { <Picture class="event-card-cover" src=src sizes="(min-width: 720px) 280px, 100vw" lazy=true /> })}
                                    <span class=format!("badge event-{}", l.state.as_str())>{event_state_label(i18n, l.state)}</span>
                                    <a href=format!("/live/{}", l.id) class="found-name">{l.title.clone()}</a>
                                    <span class="muted small">{l.host_name.clone()} " · " {move || format_date_time(starts_at, i18n.get_locale())} " (" {move || zone_label()} ")"</span>
                                    {(l.slots_left > 0).then(|| view! {
                                        <span class="small">{t!(i18n, live.slots_from, left = l.slots_left)} " · " {move || format_money(price, i18n.get_locale())}</span>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            ))}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_countdown_reads_in_the_readers_words() {
        assert_eq!(clock_text(-5, "d"), "00:00");
        assert_eq!(clock_text(125, "d"), "02:05");
        assert_eq!(clock_text(3_725, "d"), "01:02:05");
        assert_eq!(clock_text(2 * 86_400 + 3_725, "j"), "2 j 01:02:05");
        assert_eq!(duration_text(120), "2 min");
        assert_eq!(duration_text(90), "1 min 30 s");
        assert_eq!(duration_text(45), "45 s");
    }
}
