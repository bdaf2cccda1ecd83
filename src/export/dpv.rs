//! W3C Data Privacy Vocabulary 2 (DPV) as JSON-LD: the controller, then one
//! `dpv:PersonalDataHandling` per service and purpose, with its purpose, personal data,
//! legal basis (the DPV GDPR extension's article IRIs), data subjects, recipients, and
//! storage conditions (where, and how long as an `xsd:duration`).

use serde_json::{Value, json};

use super::{Declared, Place, Service, Use};
use crate::model::LegalBasis;

/// The JSON-LD document for `declared`; IRIs start with the site's URL when there is one.
pub(super) fn graph(declared: &Declared, site_url: Option<&str>) -> Value {
    let controller_id = match site_url {
        Some(url) => format!("{}/#controller", url.trim_end_matches('/')),
        None => "urn:privdoc:controller".to_owned(),
    };
    let mut graph = Vec::new();
    if let Some(controller) = &declared.controller {
        let mut node = json!({
            "@id": controller_id,
            "@type": "dpv:DataController",
            "dct:title": controller.name,
        });
        if let Some(contact) = &controller.contact {
            node["dpv:hasContact"] = json!(contact);
        }
        graph.push(node);
    }
    for service in &declared.services {
        let page = match site_url {
            Some(url) => format!("{}/services/{}.html", url.trim_end_matches('/'), service.id),
            None => format!("urn:privdoc:services:{}", service.id),
        };
        for used in &service.uses {
            let source = declared
                .sources
                .iter()
                .find(|source| source.id == used.source)
                .map_or(used.source.as_str(), |source| source.name.as_str());
            let mut node = handling(service, used, source, &page);
            if declared.controller.is_some() {
                node["dpv:hasDataController"] = json!({ "@id": controller_id });
            }
            graph.push(node);
        }
    }
    json!({
        "@context": {
            "dpv": "https://w3id.org/dpv#",
            "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
            "loc": "https://w3id.org/dpv/loc#",
            "dct": "http://purl.org/dc/terms/",
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@graph": graph,
    })
}

fn handling(service: &Service, used: &Use, source: &str, page: &str) -> Value {
    let titled = |kind: &str, titles: &[String]| -> Vec<Value> {
        titles
            .iter()
            .map(|title| json!({ "@type": kind, "dct:title": title }))
            .collect()
    };
    let mut node = json!({
        "@id": format!("{page}#uses-{}", used.source),
        "@type": "dpv:PersonalDataHandling",
        "dct:title": format!("{}: {source}", service.name),
        "dct:source": { "@id": page },
        "dpv:hasPurpose": {
            "@type": "dpv:Purpose",
            "dct:description": super::plain_text(&used.purpose),
        },
        "dpv:hasPersonalData": titled("dpv:PersonalData", &used.data_categories),
        "dpv:hasDataSubject": titled("dpv:DataSubject", &used.data_subjects),
    });
    if let Some(basis) = used.legal_basis {
        node["dpv:hasLegalBasis"] = json!({ "@id": gdpr_article(basis) });
    }
    let recipients: Vec<Value> = service
        .recipients
        .iter()
        .map(|recipient| {
            json!({
                "@type": "dpv:Recipient",
                "dct:title": recipient.name,
                "dct:description": recipient.purpose,
                "dpv:hasLocation": recipient.locations.iter().map(location).collect::<Vec<_>>(),
            })
        })
        .collect();
    if !recipients.is_empty() {
        node["dpv:hasRecipient"] = json!(recipients);
    }
    let mut conditions: Vec<Value> = service
        .storage
        .iter()
        .flat_map(|storage| &storage.locations)
        .map(|place| json!({ "@type": "dpv:StorageLocation", "dpv:hasLocation": location(place) }))
        .collect();
    conditions.extend(
        service
            .retention
            .iter()
            .filter(|rule| rule.source.as_ref().is_none_or(|source| *source == used.source))
            .filter_map(|rule| {
                Some(json!({
                    "@type": "dpv:StorageDuration",
                    "dct:description": rule.data,
                    "dpv:hasDuration": {
                        "@type": "dpv:Duration",
                        "rdf:value": { "@value": rule.period_iso.as_ref()?, "@type": "xsd:duration" },
                    },
                }))
            }),
    );
    if !conditions.is_empty() {
        node["dpv:hasStorageCondition"] = json!(conditions);
    }
    node
}

/// A country as the DPV location extension names it (`loc:IE`), a declared region by its
/// name.
fn location(place: &Place) -> Value {
    let is_code = place.code.len() == 2 && place.code.bytes().all(|b| b.is_ascii_uppercase());
    if is_code {
        json!({ "@id": format!("loc:{}", place.code) })
    } else {
        json!({ "@type": "dpv:Location", "dct:title": place.name })
    }
}

/// The DPV GDPR extension's IRI of the Art. 6(1) point.
fn gdpr_article(basis: LegalBasis) -> &'static str {
    match basis {
        LegalBasis::Consent => "eu-gdpr:A6-1-a",
        LegalBasis::Contract => "eu-gdpr:A6-1-b",
        LegalBasis::LegalObligation => "eu-gdpr:A6-1-c",
        LegalBasis::VitalInterests => "eu-gdpr:A6-1-d",
        LegalBasis::PublicTask => "eu-gdpr:A6-1-e",
        LegalBasis::LegitimateInterests => "eu-gdpr:A6-1-f",
    }
}
