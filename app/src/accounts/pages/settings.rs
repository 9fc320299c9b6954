use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::accounts::api::{
    get_settings, BecomeCreator, ChangePassword, ResendConfirmation, UpdateBrand, UpdateProfile,
};
use crate::accounts::rules::AVATAR_MAX_KIB;
use crate::accounts::types::{Network, Niche, Role, Settings};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::avatar::Avatar;
use crate::ui::form::{action_error, error_text, Field, FormError, PageError, TextArea};
use crate::ui::layout::use_auth;
use crate::ui::upload;

/// Account settings: public profile, avatar, brand details, password.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let update_profile = ServerAction::<UpdateProfile>::new();
    let update_brand = ServerAction::<UpdateBrand>::new();
    let become_creator = ServerAction::<BecomeCreator>::new();
    let auth = use_auth();
    // The header shows the name, avatar and role edited here.
    Effect::watch(
        move || {
            (
                update_profile.version().get(),
                become_creator.version().get(),
            )
        },
        move |_, _, _| auth.refresh(),
        false,
    );
    let settings = Resource::new(
        move || {
            (
                update_profile.version().get(),
                update_brand.version().get(),
                become_creator.version().get(),
            )
        },
        |_| get_settings(),
    );
    let welcome = use_query_map().read_untracked().get("welcome").is_some();
    view! {
        <Title text=move || t_string!(i18n, settings.title).to_string() />
        <div class="settings">
            <h1>{t!(i18n, settings.title)}</h1>
            <Show when=move || welcome>
                <p class="notice notice-success" role="status">{t!(i18n, settings.welcome)}</p>
            </Show>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || settings.get().map(|s| match s {
                    Ok(s) => view! { <SettingsForms s update_profile update_brand become_creator /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn SettingsForms(
    s: Settings,
    update_profile: ServerAction<UpdateProfile>,
    update_brand: ServerAction<UpdateBrand>,
    become_creator: ServerAction<BecomeCreator>,
) -> impl IntoView {
    let i18n = use_i18n();
    let profile_errors = action_error(update_profile);
    let saved = move || matches!(update_profile.value().get(), Some(Ok(())));
    let is_creator = s.user.role == Role::Creator;
    let public_page = s.user.page_path();
    let followers = |n: Network| {
        s.networks
            .iter()
            .find(|a| a.network == n)
            .map(|a| a.followers.to_string())
            .unwrap_or_default()
    };
    let niche_boxes = Niche::ALL.map(|niche| {
        let checked = s.niches.contains(&niche);
        view! {
            <label class="chip-check">
                <input type="checkbox" name="niches[]" value=niche.as_str() checked=checked />
                <span>{crate::site::niche_label(i18n, niche)}</span>
            </label>
        }
    });
    let network_fields = Network::ALL.map(|n| {
        view! {
            <Field name=n.as_str() kind="text" label=Signal::derive(move || n.label().to_owned()) errors=profile_errors
                value=followers(n) />
        }
    });
    let unconfirmed_email = (!s.email_confirmed).then(|| s.user.email.clone());
    view! {
        {unconfirmed_email.map(|email| view! { <EmailSection email confirmed=false /> })}
        <section class="card settings-section">
            <header class="section-head">
                <h2>{t!(i18n, settings.profile)}</h2>
                <a href=public_page.clone() class="btn btn-ghost">{t!(i18n, settings.view_page)}</a>
            </header>
            {is_creator.then(|| view! {
                <p class="notice">{t!(i18n, market.settings_invite)} " " <a href="/settings/marketplace">{t!(i18n, market.settings_title)}</a></p>
            })}
            <AvatarUpload name=s.user.display_name.clone() url=s.user.avatar_url.clone() />
            <ActionForm action=update_profile attr:class="form">
                <Field name="display_name" label=Signal::derive(move || t_string!(i18n, fields.display_name).to_string()) errors=profile_errors value=s.user.display_name.clone() required=true />
                <TextArea name="bio" label=Signal::derive(move || t_string!(i18n, fields.bio).to_string()) errors=profile_errors rows=4 maxlength=500 value=s.bio.clone() />
                {is_creator.then(|| view! {
                    <fieldset class="chips">
                        <legend>{t!(i18n, fields.niches)}</legend>
                        {niche_boxes}
                    </fieldset>
                    <fieldset>
                        <legend>{t!(i18n, settings.audience)}</legend>
                        <p class="field-hint">{t!(i18n, settings.followers_hint)}</p>
                        <div class="form-grid form-grid-3">{network_fields}</div>
                    </fieldset>
                })}
                <FormError errors=profile_errors fields=&["display_name", "bio", "instagram", "tiktok", "youtube", "twitch", "x"] />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || update_profile.pending().get()>{t!(i18n, common.save)}</button>
                    <Show when=saved><span class="saved" role="status">{t!(i18n, common.saved)}</span></Show>
                </div>
            </ActionForm>
        </section>
        {s.brand.clone().map(|b| view! { <BrandForm b update_brand /> })}
        <Show when=move || s.user.role == Role::Fan>
            <section class="card settings-section">
                <h2>{t!(i18n, settings.become_creator)}</h2>
                <p>{t!(i18n, settings.become_creator_text)}</p>
                <ActionForm action=become_creator>
                    <button type="submit" class="btn btn-primary">{t!(i18n, settings.become_creator_button)}</button>
                </ActionForm>
            </section>
        </Show>
        {s.email_confirmed.then(|| view! { <EmailSection email=s.user.email.clone() confirmed=true /> })}
        <PasswordForm />
    }
}

/// The account's address, whether it is confirmed, and a way to have the link sent again.
#[component]
fn EmailSection(email: String, confirmed: bool) -> impl IntoView {
    let i18n = use_i18n();
    let resend = ServerAction::<ResendConfirmation>::new();
    let errors = action_error(resend);
    // The server sends the form to `?sent`, which without JavaScript is how the page learns.
    let query = use_query_map();
    let sent =
        move || matches!(resend.value().get(), Some(Ok(()))) || query.read().get("sent").is_some();
    view! {
        <section class="card settings-section" id="email">
            <h2>{t!(i18n, settings.email)}</h2>
            <p class="email-address">
                <strong>{email}</strong> " "
                {if confirmed {
                    view! { <span class="badge badge-paid" data-testid="email-state">{t!(i18n, settings.email_confirmed)}</span> }.into_any()
                } else {
                    view! { <span class="badge badge-processing" data-testid="email-state">{t!(i18n, settings.email_unconfirmed)}</span> }.into_any()
                }}
            </p>
            {(!confirmed).then(|| view! {
                <p class="muted">{t!(i18n, settings.email_unconfirmed_text)}</p>
                <ActionForm action=resend attr:class="form">
                    <FormError errors fields=&[] />
                    <Show
                        when=sent
                        fallback=move || view! {
                            <div class="form-actions">
                                <button type="submit" class="btn btn-ghost" disabled=move || resend.pending().get()>{t!(i18n, settings.email_resend)}</button>
                            </div>
                        }
                    >
                        <p class="notice notice-success" role="status">{t!(i18n, settings.email_sent)}</p>
                    </Show>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn BrandForm(
    b: crate::accounts::types::BrandPage,
    update_brand: ServerAction<UpdateBrand>,
) -> impl IntoView {
    let i18n = use_i18n();
    let errors = action_error(update_brand);
    let saved = move || matches!(update_brand.value().get(), Some(Ok(())));
    view! {
        <section class="card settings-section">
            <h2>{t!(i18n, settings.brand)}</h2>
            <ActionForm action=update_brand attr:class="form">
                <div class="form-grid">
                    <Field name="company_name" label=Signal::derive(move || t_string!(i18n, fields.company_name).to_string()) errors value=b.company_name required=true />
                    <Field name="slug" label=Signal::derive(move || t_string!(i18n, fields.slug).to_string()) errors value=b.slug prefix="/brands/" required=true />
                </div>
                <Field name="website" inputmode="url" autocomplete="url" label=Signal::derive(move || t_string!(i18n, fields.website).to_string()) errors value=b.website />
                <TextArea name="description" label=Signal::derive(move || t_string!(i18n, fields.description).to_string()) errors rows=4 maxlength=1000 value=b.description />
                <FormError errors fields=&["company_name", "slug", "website", "description"] />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary">{t!(i18n, common.save)}</button>
                    <Show when=saved><span class="saved" role="status">{t!(i18n, common.saved)}</span></Show>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let change = ServerAction::<ChangePassword>::new();
    let errors = action_error(change);
    let saved = move || matches!(change.value().get(), Some(Ok(())));
    view! {
        <section class="card settings-section">
            <h2>{t!(i18n, settings.password)}</h2>
            <ActionForm action=change attr:class="form">
                <Field name="current" kind="password" label=Signal::derive(move || t_string!(i18n, fields.current_password).to_string()) errors autocomplete="current-password" required=true />
                <div class="form-grid">
                    <Field name="new_password" kind="password" label=Signal::derive(move || t_string!(i18n, fields.new_password).to_string()) errors autocomplete="new-password" required=true
                        hint=Signal::derive(move || t_string!(i18n, fields.password_hint).to_string()) />
                    <Field name="confirm" kind="password" label=Signal::derive(move || t_string!(i18n, fields.confirm).to_string()) errors autocomplete="new-password" required=true />
                </div>
                <FormError errors fields=&["current", "new_password", "confirm"] />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary">{t!(i18n, settings.change_password)}</button>
                    <Show when=saved><span class="saved" role="status">{t!(i18n, settings.password_changed)}</span></Show>
                </div>
            </ActionForm>
        </section>
    }
}

/// Uploads the chosen picture with a progress bar. `fetch` cannot report upload progress, so
/// this uses XMLHttpRequest directly.
#[component]
fn AvatarUpload(name: String, url: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let current = RwSignal::new(url);
    let progress = RwSignal::new(None::<f64>);
    let error = RwSignal::new(None::<AppError>);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(file) = upload::chosen_file(&ev) else {
            return;
        };
        if let Some(refused) = upload::too_large(&file, "avatar", AVATAR_MAX_KIB) {
            error.set(Some(refused));
            return;
        }
        error.set(None);
        progress.set(Some(0.0));
        upload::send(
            crate::accounts::AVATAR_PATH,
            file,
            progress,
            move |result| {
                progress.set(None);
                let url = result.and_then(|body| {
                    serde_json::from_str::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|v| v["avatar_url"].as_str().map(str::to_owned))
                        .ok_or_else(upload::network_error)
                });
                match url {
                    Ok(url) => {
                        current.set(Some(url));
                        auth.refresh();
                    }
                    Err(e) => error.set(Some(e)),
                }
            },
        );
    };
    let display_name = name.clone();
    view! {
        <div class="avatar-upload">
            {move || view! { <Avatar name=display_name.clone() url=current.get() size="lg" /> }}
            <div class="avatar-upload-controls">
                <label class="btn btn-ghost" for="avatar-file">{t!(i18n, settings.choose_avatar)}</label>
                <input id="avatar-file" class="visually-hidden" type="file" accept="image/png,image/jpeg,image/webp,image/gif" on:change=on_change />
                <p class="field-hint">{t!(i18n, settings.avatar_hint)}</p>
                <upload::UploadProgress progress />
                <p class="field-error" role="alert">{move || error.get().map(|e| error_text(i18n, &e))}</p>
            </div>
        </div>
    }
}
