use crate::wire;
use chrono::{DateTime, Utc};

/// Database id of an agent.
pub type AgentId = i64;

wire! {
    /// What an agent may do: supervisors see everyone's work, admins also manage the server.
    #[derive(Copy, Eq, Hash, PartialOrd, Ord)]
    #[serde(rename_all = "snake_case")]
    pub enum Role {
        Agent,
        Supervisor,
        Admin,
    }

    /// An agent as others see them.
    pub struct AgentRef {
        pub id: AgentId,
        pub name: String,
    }

    /// The signed-in agent.
    pub struct Me {
        pub id: AgentId,
        pub name: String,
        pub email: String,
        pub role: Role,
    }

    /// `POST /api/v1/auth/login`.
    #[serde(deny_unknown_fields)]
    pub struct LoginRequest {
        pub email: String,
        pub password: String,
    }

    /// A bearer token for the agent API.
    pub struct LoginResponse {
        pub token: String,
        pub expires_at: DateTime<Utc>,
        pub agent: Me,
    }

    /// `GET /api/v1/agents` (supervisors).
    pub struct AgentList {
        pub agents: Vec<AgentSummary>,
    }

    /// One agent in the supervisors' list.
    pub struct AgentSummary {
        pub id: AgentId,
        pub name: String,
        pub email: String,
        pub role: Role,
    }

    /// Whether an agent takes on work now. Away agents are not offered the queue's
    /// customers, and nobody can transfer to them.
    #[derive(Copy, Eq, Hash, Default)]
    #[serde(rename_all = "snake_case")]
    pub enum Availability {
        #[default]
        Available,
        Away,
    }

    /// One agent as their colleagues see them: the transfer dialog and the
    /// supervisor's live view.
    pub struct TeamMember {
        pub id: AgentId,
        pub name: String,
        pub role: Role,
        pub availability: Availability,
        /// Their app is open (an event stream is connected to some node).
        pub connected: bool,
        /// When they last became available or away (absent: never changed).
        pub availability_since: Option<DateTime<Utc>>,
        /// Conversations they occupy now.
        pub load: u32,
        /// The most conversations they may occupy at once (absent: no limit).
        pub capacity: Option<u32>,
        /// Since when the customer who has waited longest for them has waited
        /// (absent: nobody waits for them).
        pub oldest_wait_since: Option<DateTime<Utc>>,
    }

    /// `GET /api/v1/team`: every agent, and the queue at a glance.
    pub struct Team {
        pub agents: Vec<TeamMember>,
        /// Conversations waiting in the queue.
        pub queue_length: u32,
        /// Since when the customer who has waited longest in the queue has waited.
        pub queue_oldest_wait_since: Option<DateTime<Utc>>,
    }
}

impl Availability {
    /// The spelling in the database and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Available => "available",
            Availability::Away => "away",
        }
    }

    /// Parses the database spelling.
    pub fn parse(s: &str) -> Option<Availability> {
        match s {
            "available" => Some(Availability::Available),
            "away" => Some(Availability::Away),
            _ => None,
        }
    }
}

impl Role {
    /// Supervisors and admins see every agent's conversations and reports.
    pub fn sees_everything(self) -> bool {
        matches!(self, Role::Supervisor | Role::Admin)
    }

    /// The name used on the command line and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    /// Parses the command-line and database spelling.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "agent" => Some(Role::Agent),
            "supervisor" => Some(Role::Supervisor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}
