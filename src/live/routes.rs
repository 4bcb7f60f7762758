//! `GET /events`: the Server-Sent Events stream of a signed-in account.

use std::time::Duration;

use actix_web::web::Bytes;
use actix_web::{web, HttpResponse};
use futures_util::stream::{self, StreamExt};
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use crate::auth::Viewer;
use crate::web::AppError;
use crate::AppState;

/// A comment line now and then keeps proxies from closing a quiet stream.
const KEEP_ALIVE: Duration = Duration::from_secs(25);

fn frame(name: &str) -> Bytes {
    Bytes::from(format!("event: {name}\ndata: \n\n"))
}

pub async fn events(viewer: Viewer, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let account = viewer.require_account()?;
    let account_id = account.id;
    let organizations: Vec<Uuid> = account
        .memberships
        .iter()
        .filter(|m| !m.suspended)
        .map(|m| m.org.id)
        .collect();
    let receiver = state.live.subscribe();
    // Tells the browser how long to wait before reconnecting, and opens the stream at once.
    let opening = Bytes::from_static(b"retry: 5000\n: connected\n\n");
    let events = stream::unfold(receiver, move |mut receiver| {
        let organizations = organizations.clone();
        async move {
            loop {
                let next = tokio::time::timeout(KEEP_ALIVE, receiver.recv()).await;
                let bytes = match next {
                    Err(_) => Bytes::from_static(b": keep-alive\n\n"),
                    Ok(Ok(event)) if event.reaches(account_id, &organizations) => {
                        frame(&event.name)
                    }
                    Ok(Ok(_)) => continue,
                    // Fell behind: whatever was missed, the bell is worth refreshing.
                    Ok(Err(RecvError::Lagged(_))) => frame("bell"),
                    Ok(Err(RecvError::Closed)) => return None,
                };
                return Some((Ok::<_, actix_web::Error>(bytes), receiver));
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        // Compressing would hold events back in the encoder's buffer.
        .insert_header(("Content-Encoding", "identity"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(stream::iter([Ok::<_, actix_web::Error>(opening)]).chain(events)))
}
