//! Live video on the pages: the stage every viewer watches (host and guest side by side, or
//! stacked on a phone), the camera desk a host or a fan on stage publishes from, and the
//! studio's encoder settings for OBS.
//!
//! The markup is the same on the server and in the browser; connections start in effects, which
//! run in the browser only, and each stream's overlay tells where its connection stands.

use crate::ui::picture::sized;
use leptos::html::Video;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use web_sys::MediaStream;

use super::api::{get_publishing, get_stage_token, video_endpoints, NewStreamKey};
use super::client::{self, Keeper};
use super::{Device, Endpoints, Link, Seat};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::form::{action_error, FormError, PageError};
use leptos_i18n::I18nContext;

/// False on the server and while the page hydrates, true from then on: what the video shows
/// depends on the page's data, which a server render may not have yet, and hydration keeps
/// the server's classes and text.
pub fn hydrated() -> Signal<bool> {
    let done = RwSignal::new(false);
    Effect::new(move || done.set(true));
    done.into()
}

/// Asks the server where the media server is, once per page load.
async fn endpoints() -> Option<Endpoints> {
    thread_local! {
        static CACHED: std::cell::RefCell<Option<Endpoints>> = const { std::cell::RefCell::new(None) };
    }
    if let Some(known) = CACHED.with(|c| c.borrow().clone()) {
        return Some(known);
    }
    match video_endpoints().await {
        Ok(endpoints) => {
            CACHED.with(|c| c.replace(Some(endpoints.clone())));
            Some(endpoints)
        }
        Err(e) => {
            leptos::logging::error!("video: {e}");
            None
        }
    }
}

fn link_view(i18n: I18nContext<Locale>, link: Link) -> AnyView {
    match link {
        Link::Off => t!(i18n, video.link_off).into_any(),
        Link::Connecting => t!(i18n, video.link_connecting).into_any(),
        Link::Waiting => t!(i18n, video.link_waiting).into_any(),
        Link::Live => t!(i18n, video.link_live).into_any(),
        Link::Reconnecting => t!(i18n, video.link_reconnecting).into_any(),
        Link::Refused(reason) => t!(i18n, video.link_refused, reason).into_any(),
    }
}

fn link_class(link: &Link) -> &'static str {
    match link {
        Link::Live => "video-link video-link-live",
        Link::Refused(_) => "video-link video-link-refused",
        Link::Off => "video-link video-link-off",
        _ => "video-link video-link-pending",
    }
}

/// Keeps one connection per change of its inputs: whatever was open closes first, and an
/// answer that comes back after a newer change is dropped.
#[derive(Clone, Copy)]
struct Connection {
    // Wrapped only when set, in the browser: a server render drops an empty one anywhere.
    keeper: StoredValue<Option<SendWrapper<Keeper>>>,
    generation: StoredValue<u32>,
    link: RwSignal<Link>,
}

impl Connection {
    fn new() -> Self {
        let connection = Self {
            keeper: StoredValue::new(None),
            generation: StoredValue::new(0),
            link: RwSignal::new(Link::Off),
        };
        // Browser-side values: a server render neither opens nor cleans them up.
        #[cfg(feature = "hydrate")]
        on_cleanup(move || connection.stop());
        connection
    }

    fn stop(self) {
        self.generation.update_value(|g| *g += 1);
        self.keeper.try_set_value(None);
        self.link.try_set(Link::Off);
    }

    /// Opens `event`'s `seat` stream: publishing `send` with `bearer`, or playing into `video`.
    fn start(
        self,
        event: i64,
        seat: Seat,
        bearer: Option<String>,
        send: Option<MediaStream>,
        video: web_sys::HtmlVideoElement,
    ) {
        self.stop();
        let generation = self.generation.get_value();
        let publish = send.is_some();
        leptos::task::spawn_local(async move {
            let Some(endpoints) = endpoints().await else {
                return;
            };
            if self.generation.try_get_value() != Some(generation) {
                return;
            }
            let link = self.link;
            let keeper = Keeper::start(
                endpoints.url(event, seat, publish),
                bearer,
                endpoints.ice_servers,
                send,
                video,
                move |l| {
                    link.try_set(l);
                },
            );
            self.keeper.try_set_value(Some(SendWrapper::new(keeper)));
        });
    }
}

/// What every viewer of a live event sees: the host, and next to them the fan on stage.
#[component]
pub fn Stage(
    event: i64,
    live: Signal<bool>,
    host_name: Signal<String>,
    /// The fan on stage, by name.
    guest: Signal<Option<String>>,
    /// Whether the viewer is that fan (their own sound would echo).
    me_on_stage: Signal<bool>,
    /// The event's cover, shown until the host's video comes.
    cover: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sound = RwSignal::new(false);
    let guest_on = Signal::derive(move || live.get() && guest.get().is_some());
    view! {
        <section
            class="card stage"
            class:stage-duo=guest_on
            class:stage-off=move || !live.get()
            aria-label=move || t_string!(i18n, video.stage_video).to_string()
            data-testid="stage"
        >
            <div class="stage-screens">
                <Screen event seat=Seat::Host on=live name=host_name sound mute=Signal::derive(|| false) poster=cover />
                <Screen
                    event
                    seat=Seat::Guest
                    on=guest_on
                    name=Signal::derive(move || guest.get().unwrap_or_default())
                    sound
                    mute=me_on_stage
                />
            </div>
            <button type="button" class="btn btn-ghost btn-small stage-sound" data-testid="stage-sound" on:click=move |_| sound.update(|s| *s = !*s)>
                {move || if sound.get() { t!(i18n, video.sound_off).into_any() } else { t!(i18n, video.sound_on).into_any() }}
            </button>
        </section>
    }
}

/// One stream played over WHEP while `on`, with its connection overlay. Muted until the
/// viewer turns the sound on (browsers only autoplay silent video), and always when `mute`.
#[component]
fn Screen(
    event: i64,
    seat: Seat,
    on: Signal<bool>,
    name: Signal<String>,
    sound: RwSignal<bool>,
    mute: Signal<bool>,
    /// A picture's URL; a poster cannot choose its width, so the widest copy.
    #[prop(optional, into)]
    poster: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let video = NodeRef::<Video>::new();
    let connection = Connection::new();
    Effect::new(move || match (on.get(), video.get()) {
        (true, Some(element)) => connection.start(event, seat, None, None, element),
        _ => connection.stop(),
    });
    let link = connection.link;
    view! {
        <figure class=format!("screen screen-{}", seat.as_str()) class:screen-on=on data-testid=format!("screen-{}", seat.as_str())>
            <video node_ref=video autoplay playsinline prop:muted=move || mute.get() || !sound.get()
                poster=move || poster.and_then(|p| p.get()).map(|src| sized(&src, 1280))></video>
            <figcaption>
                <span class="screen-name">{name}</span>
                <span class=move || link_class(&link.get()) data-testid=format!("link-{}", seat.as_str())>
                    {move || link_view(i18n, link.get())}
                </span>
            </figcaption>
        </figure>
    }
}

/// A local camera and microphone: device choice, preview, mute; publishes to `event`'s
/// `seat` with `bearer` while `on_air`.
#[component]
fn CameraDesk(
    event: i64,
    seat: Seat,
    on_air: Signal<bool>,
    bearer: Signal<Option<String>>,
    /// Whether the camera is running, for the parent's own buttons.
    camera_on: RwSignal<bool>,
    /// Turns the camera off when it goes false (the fan's slot is over).
    #[prop(optional, into)]
    wanted: Option<Signal<bool>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let preview = NodeRef::<Video>::new();
    let stream = StoredValue::new(None::<SendWrapper<MediaStream>>);
    // Counts the streams the camera gave, so a new device republishes.
    let streams = RwSignal::new(0u32);
    let devices = RwSignal::new(Vec::<Device>::new());
    let (camera, microphone) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (mic_off, video_off) = (RwSignal::new(false), RwSignal::new(false));
    let failure = RwSignal::new(None::<String>);
    let connection = Connection::new();

    let release = move || {
        if let Some(old) = stream.try_update_value(Option::take).flatten() {
            client::stop(&old);
        }
    };
    let open_camera = move || {
        leptos::task::spawn_local(async move {
            let chosen = |id: String| (!id.is_empty()).then_some(id);
            let opened = client::camera(
                chosen(camera.get_untracked()),
                chosen(microphone.get_untracked()),
            )
            .await;
            match opened {
                Ok(opened) => {
                    release();
                    client::set_enabled(&opened, true, !mic_off.get_untracked());
                    client::set_enabled(&opened, false, !video_off.get_untracked());
                    if let Some(element) = preview.get_untracked() {
                        element.set_src_object(Some(&opened));
                    }
                    stream.set_value(Some(SendWrapper::new(opened)));
                    failure.set(None);
                    camera_on.set(true);
                    streams.update(|n| *n += 1);
                    // Labels are only given once the page may use the devices.
                    if let Ok(found) = client::devices().await {
                        devices.set(found);
                    }
                }
                Err(reason) => failure.set(Some(reason)),
            }
        });
    };
    let close_camera = move || {
        connection.stop();
        release();
        if let Some(element) = preview.get_untracked() {
            element.set_src_object(None);
        }
        camera_on.set(false);
    };
    #[cfg(feature = "hydrate")]
    on_cleanup(release);
    Effect::new(move || {
        if wanted.is_some_and(|w| !w.get()) && camera_on.get_untracked() {
            close_camera();
        }
    });
    Effect::new(move || {
        streams.track();
        let token = bearer.get();
        match (on_air.get() && camera_on.get(), token, preview.get()) {
            (true, Some(token), Some(element)) => {
                let send = stream.with_value(|s| s.as_ref().map(|s| MediaStream::clone(s)));
                connection.start(event, seat, Some(token), send, element)
            }
            _ => connection.stop(),
        }
    });
    let switch = move || {
        if camera_on.get_untracked() {
            open_camera();
        }
    };
    let picker = move |video: bool, chosen: RwSignal<String>| {
        view! {
            <select
                on:change=move |ev| {
                    chosen.set(event_target_value(&ev));
                    switch();
                }
                prop:value=move || chosen.get()
            >
                <option value="">{t!(i18n, video.default_device)}</option>
                {move || devices.get().into_iter().filter(|d| d.video == video).map(|d| {
                    let label = if d.label.is_empty() { d.id.clone() } else { d.label.clone() };
                    view! { <option value=d.id>{label}</option> }
                }).collect_view()}
            </select>
        }
    };
    // Mutes the microphone (`audio`) or hides the picture while `off`, labelled by `label(off)`.
    let track_switch =
        move |audio: bool, off: RwSignal<bool>, label: fn(I18nContext<Locale>, bool) -> AnyView| {
            view! {
                <button type="button" class="btn btn-ghost btn-small" disabled=move || !camera_on.get()
                    on:click=move |_| {
                        off.update(|o| *o = !*o);
                        stream.with_value(|s| if let Some(s) = s { client::set_enabled(s, audio, !off.get_untracked()) });
                    }>
                    {move || label(i18n, off.get())}
                </button>
            }
        };
    let link = connection.link;
    view! {
        <div class="camera-desk" data-testid=format!("desk-{}", seat.as_str())>
            <figure class="screen screen-on screen-preview">
                <video node_ref=preview autoplay playsinline prop:muted=true class:hidden=move || !camera_on.get()></video>
                <figcaption>
                    <span class=move || link_class(&link.get()) data-testid=format!("publish-{}", seat.as_str())>
                        {move || link_view(i18n, link.get())}
                    </span>
                </figcaption>
            </figure>
            <div class="camera-controls">
                <label>{t!(i18n, video.camera)} {picker(true, camera)}</label>
                <label>{t!(i18n, video.microphone)} {picker(false, microphone)}</label>
                <div class="camera-buttons">
                    <button type="button" class="btn btn-ghost btn-small" data-testid="camera-toggle"
                        on:click=move |_| if camera_on.get_untracked() { close_camera() } else { open_camera() }>
                        {move || if camera_on.get() { t!(i18n, video.camera_off).into_any() } else { t!(i18n, video.camera_on).into_any() }}
                    </button>
                    {track_switch(true, mic_off, |i18n, off| if off { t!(i18n, video.unmute).into_any() } else { t!(i18n, video.mute).into_any() })}
                    {track_switch(false, video_off, |i18n, off| if off { t!(i18n, video.show_video).into_any() } else { t!(i18n, video.hide_video).into_any() })}
                </div>
                <p class="field-error" role="alert">{move || failure.get().map(|reason| t!(i18n, video.no_camera, reason))}</p>
            </div>
        </div>
    }
}

/// The host's side of the studio: their camera and the broadcast button, the fan on stage,
/// and the settings for an encoder such as OBS.
#[component]
pub fn StudioVideo(event: i64, guest: Signal<Option<String>>, live: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let new_key = ServerAction::<NewStreamKey>::new();
    let publishing = Resource::new(
        move || new_key.version().get(),
        move |_| get_publishing(event),
    );
    let key = Signal::derive(move || publishing.get().and_then(Result::ok).map(|p| p.stream_key));
    let broadcasting = RwSignal::new(false);
    let camera_on = RwSignal::new(false);
    let show_key = RwSignal::new(false);
    let sound = RwSignal::new(true);
    view! {
        <section class="card studio-video" data-testid="studio-video">
            <h2>{t!(i18n, video.stage_video)}</h2>
            <div class="studio-screens" class:stage-duo=move || guest.get().is_some()>
                <CameraDesk event seat=Seat::Host on_air=broadcasting.into() bearer=key camera_on />
                <Screen
                    event
                    seat=Seat::Guest
                    on=Signal::derive(move || live.get() && guest.get().is_some())
                    name=Signal::derive(move || guest.get().unwrap_or_default())
                    sound
                    mute=Signal::derive(|| false)
                />
            </div>
            <button type="button" class="btn btn-primary" data-testid="broadcast"
                disabled=move || !camera_on.get() || key.get().is_none()
                on:click=move |_| broadcasting.update(|b| *b = !*b)>
                {move || if broadcasting.get() { t!(i18n, video.stop_broadcast).into_any() } else { t!(i18n, video.go_on_air).into_any() }}
            </button>
            <details class="encoder">
                <summary>{t!(i18n, video.encoder)}</summary>
                <p class="field-hint">{t!(i18n, video.encoder_hint)}</p>
                <Transition fallback=|| ()>
                    {move || publishing.get().map(|r| r.map(|p| view! {
                        <label class="field">
                            <span>{t!(i18n, video.whip_url)}</span>
                            <input readonly value=p.whip_url data-testid="whip-url" on:focus=|ev| select_all(&ev) />
                        </label>
                        <label class="field">
                            <span>{t!(i18n, video.stream_key)}</span>
                            <span class="key-row">
                                <input readonly value=p.stream_key data-testid="stream-key" autocomplete="off"
                                    class:key-hidden=move || !show_key.get()
                                    on:focus=|ev| select_all(&ev) />
                                <button type="button" class="btn btn-ghost btn-small" on:click=move |_| show_key.update(|s| *s = !*s)>{t!(i18n, video.show_key)}</button>
                            </span>
                        </label>
                    }.into_any()).unwrap_or_else(|e| view! { <PageError error=e /> }.into_any()))}
                </Transition>
                <ActionForm action=new_key attr:class="inline-form">
                    <input type="hidden" name="id" value=event.to_string() />
                    <button type="submit" class="btn btn-ghost btn-small">{t!(i18n, video.new_key)}</button>
                    <span class="field-hint">{t!(i18n, video.new_key_hint)}</span>
                </ActionForm>
                <FormError errors=action_error(new_key) fields=&[] />
            </details>
        </section>
    }
}

fn select_all(ev: &web_sys::FocusEvent) {
    use wasm_bindgen::JsCast;
    if let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.select();
    }
}

/// The fan's camera from the moment the host calls them backstage: a preview to check it,
/// then on air by itself while their slot is on stage. The server ends the stream with the
/// slot.
#[component]
pub fn FanCamera(
    event: i64,
    /// The fan's slot, from its call backstage to its end.
    stage_slot: Signal<Option<i64>>,
    on_stage: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let token = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<AppError>);
    let camera_on = RwSignal::new(false);
    Effect::new(move || {
        token.set(None);
        failure.set(None);
        if let Some(slot) = stage_slot.get() {
            leptos::task::spawn_local(async move {
                match get_stage_token(slot).await {
                    Ok(t) => token.set(Some(t)),
                    Err(e) => failure.set(Some(e)),
                }
            });
        }
    });
    view! {
        <section class="card backstage" class:hidden=move || stage_slot.get().is_none() data-testid="backstage">
            <h2>{t!(i18n, video.backstage)}</h2>
            <p class="field-hint">
                {move || if on_stage.get() { t!(i18n, video.on_air).into_any() } else { t!(i18n, video.backstage_hint).into_any() }}
            </p>
            <FormError errors=failure.into() fields=&[] />
            <CameraDesk event seat=Seat::Guest on_air=on_stage bearer=token.into() camera_on wanted=Signal::derive(move || stage_slot.get().is_some()) />
        </section>
    }
}
