//! The invariants of a world (module docs of `model`), checked in tests after every step.

use super::*;

impl World {
    /// Checks every invariant of the module docs; returns the first violation found.
    pub fn check_invariants(&self) -> Result<(), String> {
        let a = &self.agents;
        let n = self.n();
        let unit = |name: &str, v: &[f32]| -> Result<(), String> {
            match v
                .iter()
                .position(|x| !(x.is_finite() && (0.0..=1.0).contains(x)))
            {
                Some(i) => Err(format!("{name}[{i}] = {} is not in [0, 1]", v[i])),
                None => Ok(()),
            }
        };
        unit("need", &a.need)?;
        unit("approach", &a.approach)?;
        unit("approach_base", &a.approach_base)?;
        unit("regulation", &a.regulation)?;
        unit("regulation_base", &a.regulation_base)?;
        unit("distress", &a.distress)?;
        unit("identity", &a.identity)?;
        unit("identity_base", &a.identity_base)?;
        unit("stigma", &a.stigma)?;
        unit("integration", &a.integration)?;
        unit("exclusion", &a.exclusion)?;
        unit("loneliness", &a.loneliness)?;
        unit("attachment", &a.attachment)?;
        unit("membership", &a.membership)?;
        unit("collective", &a.collective)?;
        unit("belonging", &a.belonging)?;
        unit("prototype", &self.groups.prototype)?;
        unit("coherence", &self.groups.coherence)?;
        for (name, len) in [
            ("identity", a.identity.len() / self.dims.max(1)),
            ("memberships", a.memberships.owners()),
            ("ties", a.ties.owners()),
            ("condition", a.condition.len()),
            ("loneliness", a.loneliness.len()),
            ("culture", a.culture.len() / self.features.max(1)),
        ] {
            if name == "culture" && self.features == 0 {
                continue;
            }
            if len != n {
                return Err(format!("{name} has {len} entries for {n} agents"));
            }
        }
        for i in 0..n {
            let ms = &a.memberships[i];
            for (k, m) in ms.iter().enumerate() {
                let g = m.group as usize;
                if g >= self.n_groups() {
                    return Err(format!("agent {i} is in unknown group {g}"));
                }
                if !self.groups.active[g] {
                    return Err(format!("agent {i} is in dissolved group {g}"));
                }
                if !self.groups.members[g].contains(&(i as u32)) {
                    return Err(format!("agent {i} lists group {g}, which does not list it"));
                }
                if ms[..k].iter().any(|o| o.group == m.group) {
                    return Err(format!("agent {i} lists group {g} twice"));
                }
                for (name, v) in [("identification", m.ident), ("attendance", m.attend)] {
                    if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
                        return Err(format!("agent {i} group {g}: {name} = {v}"));
                    }
                }
            }
            let ts = &a.ties[i];
            for (k, t) in ts.iter().enumerate() {
                let j = t.other as usize;
                if j == i || j >= n {
                    return Err(format!("agent {i} has a tie to {j}"));
                }
                if !(t.weight.is_finite() && t.weight > 0.0 && t.weight <= 1.0) {
                    return Err(format!("tie ({i}, {j}) has weight {}", t.weight));
                }
                if ts[..k].iter().any(|o| o.other == t.other) {
                    return Err(format!("tie ({i}, {j}) is listed twice"));
                }
                match a.ties[j].iter().find(|o| o.other as usize == i) {
                    Some(back) if back.weight == t.weight && back.seen == t.seen => {}
                    Some(back) => {
                        return Err(format!(
                            "tie ({i}, {j}) is asymmetric: {} vs {}",
                            t.weight, back.weight
                        ))
                    }
                    None => return Err(format!("tie ({i}, {j}) has no reverse ({j}, {i})")),
                }
            }
            if self.features > 0 {
                if let Some(x) = self.culture_of(i).iter().find(|&&x| x >= self.traits) {
                    return Err(format!("agent {i} has trait {x} of {}", self.traits));
                }
            }
            if a.condition_active[i] && a.condition[i] == NONE {
                return Err(format!("agent {i} has an active condition of no kind"));
            }
        }
        for g in 0..self.n_groups() {
            let members = &self.groups.members[g];
            if !self.groups.active[g] && !members.is_empty() {
                return Err(format!("dissolved group {g} still has members"));
            }
            if members.len() > self.groups.capacity[g] as usize {
                return Err(format!("group {g} is over capacity"));
            }
            for (k, &i) in members.iter().enumerate() {
                if members[..k].contains(&i) {
                    return Err(format!("group {g} lists agent {i} twice"));
                }
                if self.membership_index(i as usize, g).is_none() {
                    return Err(format!("group {g} lists agent {i}, which does not list it"));
                }
            }
        }
        Ok(())
    }
}
