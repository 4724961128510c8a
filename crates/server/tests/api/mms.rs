//! Files by text (MMS) against the provider stand-in: an inbound text's files
//! are fetched with the account's credentials, from the provider only, within
//! the size limit, and kept as the customer's attachments; an agent's file to
//! a texted customer goes out with a MediaUrl the provider fetches without
//! credentials, by an unguessable token.

use crate::attachments::{agent_upload, png};
use crate::sms::{bodies, inbound, wait_for_line, webhook_raw, world, world_at};
use crate::sms_provider::*;
use crate::support::*;
use serde_json::Value;
use uuid::Uuid;

/// A signed inbound text carrying `media`: (URL, content type).
async fn mms(api: &Api, sid: &str, from: &str, body: &str, media: &[(String, &str)]) -> Reply {
    let count = media.len().to_string();
    let names: Vec<(String, String)> = (0..media.len())
        .flat_map(|i| [format!("MediaUrl{i}"), format!("MediaContentType{i}")])
        .zip(media.iter().flat_map(|(u, k)| [u.clone(), k.to_string()]))
        .collect();
    let mut params: Vec<(&str, &str)> = inbound(sid, from, body)
        .into_iter()
        .filter(|(k, _)| *k != "NumMedia")
        .collect();
    params.push(("NumMedia", &count));
    params.extend(names.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let sig = twilio_signature(AUTH, &format!("{PUBLIC}/api/v1/sms/twilio"), &params);
    webhook_raw(api, &params, Some(&sig)).await
}

/// The files of a conversation: (author, body, file name, content type).
fn files(detail: &Value) -> Vec<(String, String, String, String)> {
    detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| {
            m["attachments"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |a| {
                    (
                        m["author"].as_str().unwrap().to_string(),
                        m["body"].as_str().unwrap().to_string(),
                        a["name"].as_str().unwrap().to_string(),
                        a["content_type"].as_str().unwrap().to_string(),
                    )
                })
        })
        .collect()
}

#[tokio::test]
async fn an_inbound_texts_files_are_fetched_with_the_accounts_credentials_and_kept() {
    let provider = Provider::start().await;
    let w = world(&provider).await;
    let (api, alice) = (&w.api, w.agent(0));
    let from = "+15551230077";
    let photo = png(640, 480);
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
    let media = [
        (
            provider.add_media("MM01", 0, "image/png", photo.clone()),
            "image/png",
        ),
        (
            provider.add_media("MM01", 1, "application/pdf", pdf.clone()),
            "application/pdf",
        ),
    ];
    assert_eq!(
        mms(api, "MM01", from, "My screen and the bill", &media)
            .await
            .status,
        200
    );
    // The provider retries: stored once.
    assert_eq!(
        mms(api, "MM01", from, "My screen and the bill", &media)
            .await
            .status,
        200
    );
    let id = ids(&api.snapshot(alice).await, "queue")[0];
    let detail = api.detail(alice, id).await.ok();
    assert_eq!(
        files(&detail),
        [
            (
                "customer".into(),
                "My screen and the bill".into(),
                "mms-1.png".into(),
                "image/png".into()
            ),
            (
                "customer".into(),
                String::new(),
                "mms-2.pdf".into(),
                "application/pdf".into()
            ),
        ]
    );
    let photo_id = detail["messages"][0]["attachments"][0]["id"]
        .as_i64()
        .unwrap();
    let (status, _, _, bytes) = api
        .get_bytes(&format!("/api/v1/attachments/{photo_id}"), &alice.token)
        .await;
    assert_eq!((status, bytes), (200, photo));
    assert_eq!(provider.unauthorised_fetches(), 0);

    // A picture alone; one at another address (never sent the credentials),
    // one the provider no longer has, one over the limit: the words say so.
    let elsewhere = "https://evil.example.test/steal.png".to_string();
    let big = vec![b'a'; 10 * 1024 * 1024 + 1];
    let media = [
        (
            provider.add_media("MM02", 0, "image/png", png(40, 40)),
            "image/png",
        ),
        (elsewhere, "image/png"),
        (
            format!(
                "{}/2010-04-01/Accounts/{SID}/Messages/MM02/Media/MEgone",
                provider.base
            ),
            "image/jpeg",
        ),
        (provider.add_media("MM02", 3, "video/mp4", big), "video/mp4"),
    ];
    assert_eq!(mms(api, "MM02", from, "", &media).await.status, 200);
    let detail = wait_for_line(api, alice, id, "could not be fetched").await;
    let last = bodies(&detail).last().cloned().unwrap();
    assert_eq!(last.0, "customer");
    let why: Vec<&str> = last.1.lines().collect();
    assert_eq!(
        why,
        [
            "[A file sent by text could not be fetched: it is not at the provider's address]",
            "[A file sent by text could not be fetched: the provider answered 404 Not Found]",
            "[A file sent by text could not be fetched: it is larger than 10 MiB]",
        ]
    );
    assert_eq!(files(&detail).last().unwrap().2, "mms-1.png");
}

#[tokio::test]
async fn an_agents_file_to_a_texted_customer_goes_by_mms_at_an_unguessable_address() {
    let provider = Provider::start().await;
    let w = world(&provider).await;
    provider.public_at(&w.api.base);
    let (api, alice) = (&w.api, w.agent(0));
    let from = "+15551230078";
    crate::sms::text(api, "SM0700", from, "Can you send the form?")
        .await
        .ok();
    let id = ids(&api.snapshot(alice).await, "queue")[0];
    api.act(alice, id, "take").await.ok();

    let form = png(300, 200);
    let op = Uuid::new_v4();
    agent_upload(api, alice, id, op, "form.png", form.clone())
        .await
        .created();
    // Sent again with the same op id: one line, one text.
    agent_upload(api, alice, id, op, "form.png", form.clone())
        .await
        .created();
    let sent = provider.wait_sent(1).await;
    assert_eq!((sent[0].to.as_str(), sent[0].body.as_str()), (from, ""));
    let mms = provider.mms();
    assert_eq!(mms.len(), 1);
    let (url, status, bytes) = &mms[0];
    let token = url
        .strip_prefix(&format!("{PUBLIC}/api/v1/sms/media/"))
        .unwrap_or_else(|| panic!("{url}"));
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!((*status, bytes), (200, &form));

    // Another token, or none of the right shape: nothing.
    for bad in ["0".repeat(64), "x".into(), format!("{token}0")] {
        let r = api.get(&format!("/api/v1/sms/media/{bad}"), None).await;
        r.err(404, "not_found");
    }
    let detail = api.detail(alice, id).await.ok();
    assert_eq!(
        files(&detail),
        [(
            "agent".into(),
            String::new(),
            "form.png".into(),
            "image/png".into()
        )]
    );
}

#[tokio::test]
async fn without_a_public_address_files_to_texted_customers_are_refused() {
    let provider = Provider::start().await;
    let w = world_at(&provider, None).await;
    let (api, alice) = (&w.api, w.agent(0));
    let from = "+15551230079";
    let params = inbound("SM0800", from, "Hello");
    let host = w.api.base.trim_start_matches("http://").to_string();
    let sig = twilio_signature(AUTH, &format!("http://{host}/api/v1/sms/twilio"), &params);
    assert_eq!(webhook_raw(api, &params, Some(&sig)).await.status, 200);
    let id = ids(&api.snapshot(alice).await, "queue")[0];
    api.act(alice, id, "take").await.ok();
    let r = agent_upload(api, alice, id, Uuid::new_v4(), "form.png", png(10, 10)).await;
    r.err(409, "invalid_state");
    assert!(r.body["message"].as_str().unwrap().contains("--public-url"));
    assert!(files(&api.detail(alice, id).await.ok()).is_empty());
}
