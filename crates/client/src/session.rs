//! Signing in and staying signed in: the token lives in the OS keychain, or where
//! none exists, in a file only this user can read. The offline cache's key is
//! kept the same way.

use crate::api::{parse_server, Api, Speaks};
use crate::cache::CacheKey;
use crate::error::{ClientError, EngineCode, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use switchboard_protocol::Me;
use url::Url;

const KEYCHAIN_SERVICE: &str = "Switchboard";

/// A signed-in agent on a server.
#[derive(Debug, Clone)]
pub struct Session {
    pub server: Url,
    pub token: String,
    pub me: Me,
    /// The language the agent reads (the app's; English by default).
    pub speaks: Speaks,
}

/// Who is signed in where: the language is not part of it.
impl PartialEq for Session {
    fn eq(&self, other: &Session) -> bool {
        (&self.server, &self.token, &self.me) == (&other.server, &other.token, &other.me)
    }
}

impl Session {
    /// An API client with this session's token, asking in its language.
    pub fn api(&self) -> Api {
        Api::new(self.server.clone(), Some(self.token.clone())).speaking(self.speaks.clone())
    }
}

/// Where a secret (the session's token, the cache's key) was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum TokenStore {
    Keychain,
    File,
}

/// The account file: who is signed in where (and the token when no keychain exists).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct AccountFile {
    server: Url,
    me: Me,
    store: TokenStore,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

/// The per-user data directory and the signed-in account in it.
#[derive(Debug, Clone)]
pub struct Accounts {
    root: PathBuf,
    use_keychain: bool,
}

/// The platform's per-user data directory for Switchboard.
pub fn default_data_dir() -> Result<PathBuf> {
    directories::ProjectDirs::from("com", "Switchboard", "Switchboard")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or_else(|| {
            ClientError::new(
                EngineCode::Cache,
                "no home directory to keep Switchboard's data in",
            )
        })
}

fn keychain_user(server: &Url, me: &Me) -> String {
    format!("{}|{}", server.as_str(), me.email)
}

/// The keychain entry of a cache's key, named after the cache file.
fn cache_key_user(cache: &Path) -> String {
    let name = cache.file_name().unwrap_or_default().to_string_lossy();
    format!("cache|{name}")
}

/// The key file kept beside a cache when no keychain took its key.
fn cache_key_file(cache: &Path) -> PathBuf {
    cache.with_extension("key")
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    tokio::task::spawn_blocking(f).await.ok()
}

/// Writes a file only the current user can read (0600 on Unix; Windows keeps a
/// user's AppData private by default).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

impl Accounts {
    /// Accounts under `root` (default: the platform's data directory). With
    /// `use_keychain` false the token always goes to the private file.
    pub fn new(root: Option<PathBuf>, use_keychain: bool) -> Result<Accounts> {
        let root = match root {
            Some(r) => r,
            None => default_data_dir()?,
        };
        std::fs::create_dir_all(&root)
            .map_err(|e| ClientError::new(EngineCode::Cache, format!("{}: {e}", root.display())))?;
        Ok(Accounts { root, use_keychain })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn account_path(&self) -> PathBuf {
        self.root.join("account.json")
    }

    /// The cache file for this server and agent.
    pub fn cache_path(&self, session: &Session) -> PathBuf {
        let host = session.server.host_str().unwrap_or("server");
        let port = session.server.port_or_known_default().unwrap_or(0);
        let safe: String = host
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.root
            .join("caches")
            .join(format!("{safe}-{port}-agent{}.sqlite3", session.me.id))
    }

    /// The key of the cache at `cache` (see [`Accounts::cache_path`]), and where
    /// it is kept: the OS keychain, or where none takes it, a private file beside
    /// the cache (said in the log; the settings show it). A cache with no key yet
    /// gets a new random one; a cache whose key is gone is then unreadable, and
    /// [`crate::Cache::open`] rebuilds it from the server.
    pub async fn cache_key(&self, cache: &Path) -> Result<(CacheKey, TokenStore)> {
        let (accounts, cache) = (self.clone(), cache.to_path_buf());
        blocking(move || accounts.cache_key_blocking(&cache))
            .await
            .unwrap_or_else(|| {
                Err(ClientError::new(
                    EngineCode::Cache,
                    "cannot read the cache's key: the runtime is shutting down",
                ))
            })
    }

    /// [`Accounts::cache_key`] on this thread (the keychain's calls block).
    pub fn cache_key_blocking(&self, cache: &Path) -> Result<(CacheKey, TokenStore)> {
        let (user, file) = (cache_key_user(cache), cache_key_file(cache));
        if self.use_keychain {
            match keyring::Entry::new(KEYCHAIN_SERVICE, &user).and_then(|e| e.get_password()) {
                Ok(k) => match CacheKey::parse(&k) {
                    Some(key) => return Ok((key, TokenStore::Keychain)),
                    None => tracing::warn!(
                        "the cache's key in the keychain is malformed; making a new one"
                    ),
                },
                Err(keyring::Error::NoEntry) => {}
                Err(e) => tracing::warn!("the keychain did not give the cache's key ({e})"),
            }
        }
        if let Some(key) = std::fs::read_to_string(&file)
            .ok()
            .and_then(|k| CacheKey::parse(&k))
        {
            return Ok((key, TokenStore::File));
        }
        let key = CacheKey::generate();
        if self.use_keychain {
            match keyring::Entry::new(KEYCHAIN_SERVICE, &user)
                .and_then(|e| e.set_password(key.as_str()))
            {
                Ok(()) => return Ok((key, TokenStore::Keychain)),
                Err(e) => tracing::warn!("no usable keychain for the cache's key ({e})"),
            }
        }
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                ClientError::new(EngineCode::Cache, format!("{}: {e}", dir.display()))
            })?;
        }
        write_private(&file, key.as_str().as_bytes()).map_err(|e| {
            ClientError::new(
                EngineCode::Cache,
                format!("cannot keep the cache's key: {e}"),
            )
        })?;
        tracing::warn!(
            "the offline cache's key is kept in a file only you can read, {} (no OS keychain took it)",
            file.display()
        );
        Ok((key, TokenStore::File))
    }

    /// Signs in and remembers the session. Errors: `bad_address`, `unreachable`,
    /// `invalid_credentials`, `rate_limited`.
    pub async fn sign_in(
        &self,
        server: &str,
        email: &str,
        password: &str,
    ) -> Result<(Session, TokenStore)> {
        let url = parse_server(server)?;
        let answer = Api::new(url.clone(), None).login(email, password).await?;
        let session = Session {
            server: url,
            token: answer.token,
            me: answer.agent,
            speaks: Speaks::default(),
        };
        let store = self.remember(&session).await?;
        Ok((session, store))
    }

    async fn remember(&self, s: &Session) -> Result<TokenStore> {
        let mut store = TokenStore::File;
        if self.use_keychain {
            let (user, token) = (keychain_user(&s.server, &s.me), s.token.clone());
            let saved = blocking(move || {
                keyring::Entry::new(KEYCHAIN_SERVICE, &user).and_then(|e| e.set_password(&token))
            })
            .await;
            match saved {
                Some(Ok(())) => store = TokenStore::Keychain,
                Some(Err(e)) => {
                    tracing::warn!("no usable keychain ({e}); keeping the token in a private file")
                }
                None => {}
            }
        }
        let file = AccountFile {
            server: s.server.clone(),
            me: s.me.clone(),
            store,
            token: (store == TokenStore::File).then(|| s.token.clone()),
        };
        let bytes = serde_json::to_vec_pretty(&file)?;
        write_private(&self.account_path(), &bytes).map_err(|e| {
            ClientError::new(EngineCode::Cache, format!("cannot save the session: {e}"))
        })?;
        Ok(store)
    }

    /// The session saved by the last sign-in, if any (the token is not checked here:
    /// the first request tells).
    pub async fn restore(&self) -> Result<Option<Session>> {
        let Ok(bytes) = std::fs::read(self.account_path()) else {
            return Ok(None);
        };
        let Ok(file) = serde_json::from_slice::<AccountFile>(&bytes) else {
            return Ok(None);
        };
        let token = match (file.store, file.token) {
            (TokenStore::File, Some(t)) => t,
            (TokenStore::Keychain, _) => {
                let user = keychain_user(&file.server, &file.me);
                match blocking(move || {
                    keyring::Entry::new(KEYCHAIN_SERVICE, &user).and_then(|e| e.get_password())
                })
                .await
                {
                    Some(Ok(t)) => t,
                    _ => return Ok(None),
                }
            }
            (TokenStore::File, None) => return Ok(None),
        };
        Ok(Some(Session {
            server: file.server,
            token,
            me: file.me,
            speaks: Speaks::default(),
        }))
    }

    /// Signs out: ends the session on the server (if reachable) and forgets the
    /// token everywhere it was kept. The cache stays for the next sign-in.
    pub async fn sign_out(&self, session: &Session) -> Result<()> {
        let _ = session.api().logout().await;
        let user = keychain_user(&session.server, &session.me);
        if self.use_keychain {
            let _ = blocking(move || {
                keyring::Entry::new(KEYCHAIN_SERVICE, &user).and_then(|e| e.delete_credential())
            })
            .await;
        }
        match std::fs::remove_file(self.account_path()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(ClientError::new(
                EngineCode::Cache,
                format!("cannot forget the session: {e}"),
            )),
        }
    }
}
