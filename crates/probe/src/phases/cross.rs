//! Cross-identity object access (BOLA): for every item route (`/invoices/{id}/`), each other
//! identity asks for the object the owner read in the baseline run, unless its own list shows
//! that object too (then it may see it, as everyone may see a shared catalogue).

use super::{PhaseInput, send_batch};
use crate::client::{Planned, Sender};
use crate::plan::{self, Harvested};
use crate::run::planned_operation;
use overshare_exchange::{Exchange, Purpose};

/// Send the cross-identity requests; every exchange goes to `on_exchange`.
pub async fn run(input: &PhaseInput<'_>, on_exchange: &mut (dyn FnMut(Exchange) + Send)) {
    let batch = plan_requests(input);
    for exchange in send_batch(input, batch).await {
        on_exchange(exchange);
    }
}

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
        for &owner in input.identities {
            let Some(request) = input.run.succeeded(index, owner) else {
                continue;
            };
            let Some(id) = first_value(input.run.harvest.get(&(owner, collection.path.clone())), &param)
            else {
                continue;
            };
            // Only when the owner's request really asked for that object.
            if !request.url.path().contains(&plan::encode_segment(&id)) {
                continue;
            }
            for &other in input.identities.iter().filter(|&&i| i != owner) {
                let listed = input
                    .run
                    .harvest
                    .get(&(other, collection.path.clone()))
                    .is_some_and(|items| items.iter().any(|i| plan::value_for(&param, i).as_deref() == Some(&id)));
                if listed {
                    continue;
                }
                let mut planned =
                    Planned::get(planned_operation(operation), Sender::Identity(other), request.url.clone());
                planned.purpose = Purpose::CrossIdentity {
                    owner: input.name(owner),
                };
                batch.push(planned);
            }
        }
    }
    batch
}

/// The value the planner used for `param`: the first listed object's.
fn first_value(items: Option<&Harvested>, param: &str) -> Option<String> {
    items?.iter().find_map(|item| plan::value_for(param, item))
}
