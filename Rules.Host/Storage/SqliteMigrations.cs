namespace Rules.Host.Storage;

/// <summary>SQLite schema versions, applied in order by <see cref="SqliteDatabase.Migrate"/>. Never edit a shipped version; add the next, and the same step to <see cref="PostgresMigrations"/>.</summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<(long Version, string Sql)> All =
    [
        (1, """
            CREATE TABLE tenant_settings (
                key   TEXT PRIMARY KEY,
                value TEXT NOT NULL
            );
            CREATE TABLE clients (
                client_id      TEXT PRIMARY KEY,
                name           TEXT NOT NULL,
                client_secret  TEXT NOT NULL,
                app_type       TEXT NOT NULL,
                callbacks      TEXT NOT NULL DEFAULT '[]',   -- JSON array of exact URLs
                logout_urls    TEXT NOT NULL DEFAULT '[]',
                grant_types    TEXT NOT NULL DEFAULT '[]',
                client_metadata TEXT NOT NULL DEFAULT '{}'
            );
            CREATE TABLE client_grants (
                client_id TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
                audience  TEXT NOT NULL,
                scope     TEXT NOT NULL DEFAULT '[]',
                PRIMARY KEY (client_id, audience)
            );
            CREATE TABLE connections (
                id       TEXT PRIMARY KEY,
                name     TEXT NOT NULL UNIQUE,
                strategy TEXT NOT NULL
            );
            CREATE TABLE connection_clients (
                connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
                client_id     TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
                PRIMARY KEY (connection_id, client_id)
            );
            CREATE TABLE users (
                user_id       TEXT PRIMARY KEY,
                email         TEXT COLLATE NOCASE,
                connection    TEXT NOT NULL,
                password_hash TEXT,
                blocked       INTEGER NOT NULL DEFAULT 0,
                logins_count  INTEGER NOT NULL DEFAULT 0,
                profile       TEXT NOT NULL,                -- JSON: the Auth0 user profile minus secrets
                created_at    TEXT NOT NULL,
                updated_at    TEXT NOT NULL
            );
            CREATE INDEX users_email ON users(email);
            CREATE TABLE rules (
                id         TEXT PRIMARY KEY,
                name       TEXT NOT NULL UNIQUE,
                script     TEXT NOT NULL,
                "order"    INTEGER NOT NULL,
                enabled    INTEGER NOT NULL DEFAULT 1,
                stage      TEXT NOT NULL DEFAULT 'login_success',
                updated_at TEXT NOT NULL
            );
            CREATE TABLE rules_configs (
                key   TEXT PRIMARY KEY,
                value TEXT NOT NULL
            );
            CREATE TABLE impersonation_links (
                token_hash      TEXT PRIMARY KEY,       -- SHA-256 of the link's secret; the secret itself is never stored
                user_id         TEXT NOT NULL,
                impersonator_id TEXT NOT NULL,
                client_id       TEXT NOT NULL,
                request         TEXT NOT NULL,          -- JSON: protocol and additionalParameters
                created_at      TEXT NOT NULL,
                expires_at      TEXT NOT NULL,
                consumed_at     TEXT
            );
            CREATE TABLE authorization_codes (
                code_hash    TEXT PRIMARY KEY,
                client_id    TEXT NOT NULL,
                redirect_uri TEXT NOT NULL,
                grant        TEXT NOT NULL,             -- JSON: user, scopes, claims from the rules, impersonator
                created_at   TEXT NOT NULL,
                expires_at   TEXT NOT NULL,
                consumed_at  TEXT
            );
            CREATE TABLE audit_log (
                seq             INTEGER PRIMARY KEY AUTOINCREMENT,
                log_id          TEXT NOT NULL UNIQUE,
                date            TEXT NOT NULL,
                type            TEXT NOT NULL,
                description     TEXT,
                client_id       TEXT,
                client_name     TEXT,
                user_id         TEXT,
                user_name       TEXT,
                impersonator_id TEXT,
                impersonator_email TEXT,
                ip              TEXT,
                user_agent      TEXT,
                details         TEXT NOT NULL DEFAULT '{}'
            );
            CREATE INDEX audit_log_date ON audit_log(date);
            CREATE INDEX audit_log_user ON audit_log(user_id);
            CREATE INDEX audit_log_impersonator ON audit_log(impersonator_id);
            CREATE TABLE decision_log (
                seq         INTEGER PRIMARY KEY AUTOINCREMENT,
                decision_id TEXT NOT NULL UNIQUE,
                log_id      TEXT,
                date        TEXT NOT NULL,
                record      TEXT NOT NULL                -- JSON: the decision-log record rules replay reads
            );
            """),
        (2, """
            -- Regular logins: public clients (SPAs, native apps) authenticate at /oauth/token with PKCE, not a secret.
            ALTER TABLE clients ADD COLUMN token_endpoint_auth_method TEXT NOT NULL DEFAULT 'client_secret_post';
            -- Single sign-on sessions: the cookie holds a random secret; only its SHA-256 is stored.
            CREATE TABLE sessions (
                id_hash          TEXT PRIMARY KEY,
                user_id          TEXT NOT NULL,
                connection       TEXT NOT NULL,
                methods          TEXT NOT NULL DEFAULT '[]',  -- JSON: Auth0's authentication.methods
                clients          TEXT NOT NULL DEFAULT '[]',  -- JSON: client ids signed into with this session
                authenticated_at TEXT NOT NULL,
                last_used_at     TEXT NOT NULL,
                expires_at       TEXT NOT NULL,
                ended_at         TEXT
            );
            CREATE INDEX sessions_user ON sessions(user_id);
            -- Brute-force protection counts failed password attempts per user and IP in the audit trail.
            CREATE INDEX audit_log_login_attempts ON audit_log(user_name, ip, date);
            """),
        (3, """
            -- The last rule set that compiled and went live, so a server whose rules no longer compile at start-up
            -- serves it instead of denying every login.
            CREATE TABLE last_good_rule_set (
                source       TEXT PRIMARY KEY,           -- "database" or "directory <path>": never served from another source
                version      TEXT NOT NULL,
                rule_set     TEXT NOT NULL,              -- JSON: rules (name, file, script, enabled) and configuration
                went_live_at TEXT NOT NULL
            );
            """),
        (4, """
            -- Scale-out: everything an instance used to keep in its data directory is shared through the store.
            -- Token signing keys: the current one signs; a retired one stays in the JWKS until its tokens expire.
            CREATE TABLE signing_keys (
                kid         TEXT PRIMARY KEY,
                private_key TEXT NOT NULL,              -- PKCS#8 PEM
                created_at  TEXT NOT NULL,
                retired_at  TEXT                        -- null for the one current key
            );
            CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys((retired_at IS NULL)) WHERE retired_at IS NULL;
            -- ASP.NET Core Data Protection keys (login-page CSRF tokens, Dashboard cookies), so any instance reads what another wrote.
            CREATE TABLE data_protection_keys (
                name TEXT PRIMARY KEY,
                xml  TEXT NOT NULL
            );
            -- Change counters every instance polls: a rule, rules-config or signing-key change made anywhere
            -- (Management API, Dashboard, import, plain SQL) bumps its counter in the same transaction.
            CREATE TABLE revisions (
                name  TEXT PRIMARY KEY,
                value INTEGER NOT NULL
            );
            INSERT INTO revisions(name, value) VALUES ('rules', 0), ('signing_keys', 0);
            CREATE TRIGGER rules_inserted AFTER INSERT ON rules BEGIN UPDATE revisions SET value = value + 1 WHERE name = 'rules'; END;
            CREATE TRIGGER rules_updated AFTER UPDATE ON rules BEGIN UPDATE revisions SET value = value + 1 WHERE name = 'rules'; END;
            CREATE TRIGGER rules_deleted AFTER DELETE ON rules BEGIN UPDATE revisions SET value = value + 1 WHERE name = 'rules'; END;
            CREATE TRIGGER rules_configs_inserted AFTER INSERT ON rules_configs BEGIN UPDATE revisions SET value = value + 1 WHERE name = 'rules'; END;
            CREATE TRIGGER rules_configs_updated AFTER UPDATE ON rules_configs BEGIN UPDATE revisions SET value = value + 1 WHERE name = 'rules'; END;
            CREATE TRIGGER rules_configs_deleted AFTER DELETE ON rules_configs BEGIN UPDATE revisions SET value = value + 1 WHERE name = 'rules'; END;
            CREATE TRIGGER signing_keys_inserted AFTER INSERT ON signing_keys BEGIN UPDATE revisions SET value = value + 1 WHERE name = 'signing_keys'; END;
            CREATE TRIGGER signing_keys_updated AFTER UPDATE ON signing_keys BEGIN UPDATE revisions SET value = value + 1 WHERE name = 'signing_keys'; END;
            CREATE TRIGGER signing_keys_deleted AFTER DELETE ON signing_keys BEGIN UPDATE revisions SET value = value + 1 WHERE name = 'signing_keys'; END;
            """),
        (5, """
            -- A tamper-evident audit trail (docs/operations.md, "The audit chain"): every entry carries the hash of the entry
            -- before it and its own; audit_chain holds the head (last hash, number of entries) that appends lock and move;
            -- checkpoints sign the head with the tenant's signing key. Existing entries are chained by AuditChain.ChainExisting
            -- in this version's transaction.
            ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
            ALTER TABLE audit_log ADD COLUMN hash TEXT;
            CREATE TABLE audit_chain (
                id      INTEGER PRIMARY KEY CHECK (id = 1),
                entries INTEGER NOT NULL,
                head    TEXT NOT NULL
            );
            CREATE TABLE audit_checkpoints (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                created_at TEXT NOT NULL,
                entries    INTEGER NOT NULL,           -- entries in the chain up to and including the signed head
                head       TEXT NOT NULL,              -- hash of the last of them
                kid        TEXT NOT NULL,              -- the signing key that signed it
                token      TEXT NOT NULL               -- JWS (RS256) over the above: what verification trusts
            );
            """),
        (6, """
            -- Suspicious IP throttling counts the accounts that failed from one address.
            CREATE INDEX audit_log_ip_attempts ON audit_log(ip, date);
            """),
        (7, """
            -- Role-based access control as Auth0 has it: named roles, assigned to users; every login fills
            -- context.authorization.roles with the names of the user's roles.
            CREATE TABLE roles (
                id          TEXT PRIMARY KEY,           -- rol_ and 16 characters, as Auth0 makes them
                name        TEXT NOT NULL UNIQUE,
                description TEXT
            );
            CREATE TABLE user_roles (
                user_id TEXT NOT NULL,
                role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
                PRIMARY KEY (user_id, role_id)
            );
            CREATE INDEX user_roles_role ON user_roles(role_id);
            """),
        (8, """
            -- context.riskAssessment's NewDevice: the devices (a random cookie, stored as its SHA-256) and user agents
            -- each user signed in from, recorded on allowed logins of the user's own (never on impersonated ones).
            CREATE TABLE user_devices (
                user_id     TEXT NOT NULL,
                device_hash TEXT NOT NULL,
                user_agent  TEXT NOT NULL,
                first_seen  TEXT NOT NULL,
                last_seen   TEXT NOT NULL,
                PRIMARY KEY (user_id, device_hash, user_agent)
            );
            """),
        (9, """
            -- Logins a rule suspended with a redirect, waiting for the browser to come back to /continue (issue 18).
            -- Only hashes of the one-time state and of the browser's binding cookie are stored.
            CREATE TABLE pending_logins (
                state_hash       TEXT PRIMARY KEY,
                browser_hash     TEXT NOT NULL,
                kind             TEXT NOT NULL,             -- "login" or "impersonation": how the continue completes it
                client_id        TEXT NOT NULL,
                user_id          TEXT NOT NULL,
                rule             TEXT NOT NULL,             -- the rule or action that redirected
                rule_set_version TEXT NOT NULL,             -- the continue runs on this version only
                response_type    TEXT NOT NULL,
                response_mode    TEXT NOT NULL,
                state            TEXT,                      -- the application's state, for the callback
                login            TEXT NOT NULL,             -- JSON: transaction, redirect outcome, and what completing needs
                created_at       TEXT NOT NULL,
                expires_at       TEXT NOT NULL,
                consumed_at      TEXT
            );
            CREATE INDEX pending_logins_expires ON pending_logins(expires_at);
            """),
        (10, """
            -- Multi-factor authentication (Rules.Host/MultiFactor): one TOTP factor per user. The secret is Data Protection
            -- ciphertext; confirmed_at stays null until the user proves the app with a first code. last_used_step is the
            -- newest TOTP time step accepted, so a code is never accepted twice.
            CREATE TABLE mfa_enrollments (
                id             TEXT PRIMARY KEY,            -- remember-browser cookies name it, so a reset voids them
                user_id        TEXT NOT NULL UNIQUE,
                secret         TEXT NOT NULL,
                created_at     TEXT NOT NULL,
                confirmed_at   TEXT,
                last_used_step INTEGER NOT NULL DEFAULT -1
            );
            -- One-time recovery codes: only their SHA-256 is stored.
            CREATE TABLE mfa_recovery_codes (
                user_id    TEXT NOT NULL,
                code_hash  TEXT NOT NULL,
                created_at TEXT NOT NULL,
                used_at    TEXT,
                PRIMARY KEY (user_id, code_hash)
            );
            -- A login the rules allowed on condition of a second factor: nothing was issued; the cookie holds a random
            -- secret, stored as SHA-256. verified_at is set by a right code, completed_at when the login is finished.
            CREATE TABLE mfa_challenges (
                id_hash            TEXT PRIMARY KEY,
                user_id            TEXT NOT NULL,
                client_id          TEXT NOT NULL,
                connection         TEXT NOT NULL,
                session_hash       TEXT,                    -- the SSO session it came from, if any
                methods            TEXT NOT NULL,           -- JSON: authentication.methods before the challenge
                logins_count       INTEGER NOT NULL,
                authenticated_at   TEXT NOT NULL,
                allow_remember     INTEGER NOT NULL,
                remember_requested INTEGER NOT NULL DEFAULT 0,
                created_at         TEXT NOT NULL,
                expires_at         TEXT NOT NULL,
                verified_at        TEXT,
                completed_at       TEXT
            );
            -- Brute-force protection counts failed codes per user in the audit trail.
            CREATE INDEX audit_log_user_type_date ON audit_log(user_id, type, date);
            """),
        (11, """
            -- npm packages of the rule set kept in the database (Rules.Host/Modules/StoredPackages): what modules.lock.json and
            -- modules/ hold for a rules directory. files is a JSON object, path -> text, of the package's .js/.cjs/.json files;
            -- files_hash is their PackageFiles.Hash, checked on every load. direct = 0: there only as another's dependency.
            CREATE TABLE rule_packages (
                name         TEXT NOT NULL,
                version      TEXT NOT NULL,
                integrity    TEXT NOT NULL,
                resolved     TEXT,
                dependencies TEXT NOT NULL,
                direct       INTEGER NOT NULL,
                files_hash   TEXT NOT NULL,
                files        TEXT NOT NULL,
                added_at     TEXT NOT NULL,
                PRIMARY KEY (name, version)
            );
            CREATE TRIGGER rule_packages_inserted AFTER INSERT ON rule_packages BEGIN UPDATE revisions SET value = value + 1 WHERE name = 'rules'; END;
            CREATE TRIGGER rule_packages_updated AFTER UPDATE ON rule_packages BEGIN UPDATE revisions SET value = value + 1 WHERE name = 'rules'; END;
            CREATE TRIGGER rule_packages_deleted AFTER DELETE ON rule_packages BEGIN UPDATE revisions SET value = value + 1 WHERE name = 'rules'; END;
            """),
    ];
}
