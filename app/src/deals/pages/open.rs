use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::TermsFields;
use crate::deals::api::{ApplyToCampaign, OfferDeal};
use crate::i18n::*;
use crate::ui::form::{action_error, FormError, TextArea};

/// A brand's offer to the creator named in `?handle=`.
#[component]
pub fn NewDealPage() -> impl IntoView {
    let i18n = use_i18n();
    let offer = ServerAction::<OfferDeal>::new();
    let errors = action_error(offer);
    let handle = use_query_map()
        .read_untracked()
        .get("handle")
        .unwrap_or_default();
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(id)) = offer.value().get() {
            navigate(&format!("/deals/{id}"), Default::default());
        }
    });
    view! {
        <Title text=move || t_string!(i18n, deals.new_title).to_string() />
        <div class="settings">
            <h1>{t!(i18n, deals.new_title)} " @" {handle.clone()}</h1>
            <section class="card settings-section">
                <ActionForm action=offer attr:class="form">
                    <input type="hidden" name="handle" value=handle />
                    <TermsFields errors />
                    <TextArea name="message" label=Signal::derive(move || t_string!(i18n, deals.message).to_string()) errors maxlength=2000 />
                    <FormError errors fields=&["amount", "due_on", "deliverables", "message"] />
                    <button type="submit" class="btn btn-primary">{t!(i18n, deals.send_offer)}</button>
                </ActionForm>
            </section>
        </div>
    }
}

/// A creator's application to campaign `campaign`: a pitch and a price.
#[component]
pub fn ApplyForm(campaign: i64) -> impl IntoView {
    let i18n = use_i18n();
    let apply = ServerAction::<ApplyToCampaign>::new();
    let errors = action_error(apply);
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(id)) = apply.value().get() {
            navigate(&format!("/deals/{id}"), Default::default());
        }
    });
    view! {
        <section class="card">
            <h2>{t!(i18n, deals.apply)}</h2>
            <ActionForm action=apply attr:class="form">
                <input type="hidden" name="campaign" value=campaign.to_string() />
                <TermsFields errors />
                <TextArea name="message" label=Signal::derive(move || t_string!(i18n, deals.pitch).to_string()) errors maxlength=2000 required=true />
                <FormError errors fields=&["amount", "due_on", "deliverables", "message"] />
                <button type="submit" class="btn btn-primary">{t!(i18n, deals.send_application)}</button>
            </ActionForm>
        </section>
    }
}
