//! Cross-identity object access (BOLA): for every item route (`/invoices/{id}/`), each other
//! identity asks for the object the owner read in the baseline run, unless its own list shows
//! that object too (then it may see it, as everyone may see a shared catalogue).

use super::{PhaseInput, send_each};
use crate::client::{Planned, Sender};
use crate::plan::{self, Harvested};
use crate::run::planned_operation;
use overshare_exchange::{Exchange, Purpose};
use url::Url;

/// Send the cross-identity requests; every exchange goes to `on_exchange`.
pub async fn run(input: &PhaseInput<'_>, on_exchange: &mut (dyn FnMut(Exchange) + Send)) {
    send_each(input, plan_requests(input), on_exchange).await;
}

/// Objects of each owner asked for by every other identity, at most.
const MAX_OBJECTS_PER_OWNER: usize = 3;

fn plan_requests(input: &PhaseInput<'_>) -> Vec<Planned> {
    let mut batch = Vec::new();
    if input.identities.len() < 2 {
        return batch;
    }
    for (index, operation) in input.contract.operations.iter().enumerate() {
        let Some(param) = operation.path_params().last().map(|p| p.to_string()) else {
            continue;
        };
        if operation.method != "GET" {
            continue;
        }
        let Some(collection) = plan::sibling_collection(input.contract, &operation.path) else {
            continue;
        };
        let listed = |identity: usize| input.run.harvest.get(&(identity, collection.path.clone()));
        for &owner in input.identities {
            let Some(request) = input.run.succeeded(index, owner) else {
                continue;
            };
            for (n, url) in object_urls(&request.url, listed(owner), &param)
                .into_iter()
                .enumerate()
            {
                let (id, url) = url;
                let others: Vec<usize> = input
                    .identities
                    .iter()
                    .copied()
                    .filter(|&other| other != owner)
                    .filter(|&other| {
                        !listed(other).is_some_and(|items| {
                            items
                                .iter()
                                .any(|i| plan::value_for(&param, i).as_deref() == Some(&id))
                        })
                    })
                    .collect();
                if others.is_empty() {
                    continue;
                }
                // The owner's own view is the baseline: the baseline run has it for the first
                // object; ask for the others first (same batch, answers kept in order).
                if n > 0 {
                    batch.push(Planned::get(
                        planned_operation(operation),
                        Sender::Identity(owner),
                        url.clone(),
                    ));
                }
                for other in others {
                    let mut planned = Planned::get(
                        planned_operation(operation),
                        Sender::Identity(other),
                        url.clone(),
                    );
                    planned.purpose = Purpose::CrossIdentity {
                        owner: input.name(owner),
                    };
                    batch.push(planned);
                }
            }
        }
    }
    batch
}

/// The URLs of up to [`MAX_OBJECTS_PER_OWNER`] of the owner's listed objects, with their ids:
/// the one the baseline run asked for (the first listed, at `first_url`), then the next ones,
/// by replacing that id's path segment.
fn object_urls(first_url: &Url, items: Option<&Harvested>, param: &str) -> Vec<(String, Url)> {
    let ids: Vec<String> = items
        .into_iter()
        .flatten()
        .filter_map(|item| plan::value_for(param, item))
        .take(MAX_OBJECTS_PER_OWNER)
        .collect();
    let Some(first) = ids.first() else {
        return Vec::new();
    };
    let segment = format!("/{}", plan::encode_segment(first));
    let path = first_url.path().to_string();
    let Some(at) = path.rfind(&segment) else {
        // The baseline request was not for the first listed object: nothing to compare with.
        return Vec::new();
    };
    ids.iter()
        .map(|id| {
            let mut url = first_url.clone();
            let replaced = format!(
                "{}/{}{}",
                &path[..at],
                plan::encode_segment(id),
                &path[at + segment.len()..]
            );
            url.set_path(&replaced);
            (id.clone(), url)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexmap::IndexMap;

    fn item(id: &str) -> IndexMap<String, String> {
        IndexMap::from([("id".to_string(), id.to_string())])
    }

    #[test]
    fn next_objects_replace_the_first_ones_segment() {
        let url = Url::parse("https://h:1/api/invoices/4/").unwrap();
        let items = vec![item("4"), item("5"), item("6"), item("7")];
        let urls: Vec<String> = object_urls(&url, Some(&items), "id")
            .into_iter()
            .map(|(_, u)| u.to_string())
            .collect();
        assert_eq!(
            urls,
            [
                "https://h:1/api/invoices/4/",
                "https://h:1/api/invoices/5/",
                "https://h:1/api/invoices/6/"
            ]
        );
        let other = Url::parse("https://h:1/api/invoices/9/").unwrap();
        assert!(object_urls(&other, Some(&items), "id").is_empty());
    }
}
