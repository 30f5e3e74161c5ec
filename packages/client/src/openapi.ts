// Generated from sessiond's /v1/openapi.json by `npm run client:types` (openapi-typescript): do not edit.

export interface paths {
    "/v1/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List sessions, newest first */
        get: operations["listSessions"];
        put?: never;
        /**
         * Sign a user in with login name and password
         * @description A user of an organization other than `default` signs in with its `organizationId` (login names are unique per organization). Wrong login name, wrong password and a locked account (even with the right password; see the policy's maxFailedPasswordAttempts) give the same 401 after the same work. Too many attempts from one client IP or against one login name: 429 with Retry-After.
         */
        post: operations["signIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/introspect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Is this token still good? (counts as use) */
        post: operations["introspectSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign out: end the session of this token */
        post: operations["signOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate the session token: exchange an active token for a new one (same session)
         * @description The old token is inactive at once, on every node. The session keeps its id and creation time, so its absolute lifetime does not restart; counts as use. An inactive or unknown token: 401 unauthenticated.
         */
        post: operations["rotateSessionToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/revoke-others": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Log out my other devices: end every other session of the token holder */
        post: operations["revokeOtherSessions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change the token holder's password (ends their other sessions) */
        post: operations["changeOwnPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a session (does not count as use) */
        get: operations["getSession"];
        put?: never;
        post?: never;
        /** Revoke a session */
        delete: operations["revokeSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/whoami": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The session of this request (bearer token, X-Session-Token or the session cookie); counts as use
         * @description The session token from Authorization: Bearer, else X-Session-Token, else the session cookie of the sign-in page. 200: the introspection answer of the active session. Identity in X-Sessiond-User-Id, -Login-Name, -Organization-Id, -Role, -Session-Id and -Session-Expires (docs/forward-auth.md). 401 with WWW-Authenticate when not active.
         */
        get: operations["whoami"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/forward-auth": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The session check for reverse proxies (nginx auth_request, Traefik ForwardAuth, Caddy forward_auth, Envoy ext_authz)
         * @description The session token from Authorization: Bearer, else X-Session-Token, else the session cookie of the sign-in page. Any method; a path may follow (Envoy). 200 with an empty body: allow. Identity in X-Sessiond-User-Id, -Login-Name, -Organization-Id, -Role, -Session-Id and -Session-Expires (docs/forward-auth.md). Not signed in: a browser navigation from a trusted proxy gets 302 (303 after another method) to the sign-in page with rd=<original URL>; anything else, and ?mode=nginx, 401.
         */
        get: operations["forwardAuth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List users */
        get: operations["listUsers"];
        put?: never;
        /** Create a user */
        post: operations["createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a user */
        get: operations["getUser"];
        put?: never;
        post?: never;
        /** Delete a user and end all their sessions */
        delete: operations["deleteUser"];
        options?: never;
        head?: never;
        /** Change role or disable/enable a user (disabling ends all their sessions) */
        patch: operations["updateUser"];
        trace?: never;
    };
    "/v1/users/{id}/unlock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Unlock a user locked out for too many wrong passwords, and set their count of wrong passwords to 0 */
        post: operations["unlockUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set a user's password (ends their sessions unless configured otherwise) */
        put: operations["setUserPassword"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user's sessions with location and last activity */
        get: operations["listUserSessions"];
        put?: never;
        post?: never;
        /** End all sessions of a user */
        delete: operations["revokeUserSessions"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The instance policy */
        get: operations["getPolicy"];
        /** Replace the instance policy */
        put: operations["replacePolicy"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change fields of the instance policy */
        patch: operations["updatePolicy"];
        trace?: never;
    };
    "/v1/organizations/{id}/policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An organization's effective policy and its override */
        get: operations["getOrganizationPolicy"];
        /** Replace an organization's override */
        put: operations["replaceOrganizationPolicy"];
        post?: never;
        /** Remove an organization's override */
        delete: operations["deleteOrganizationPolicy"];
        options?: never;
        head?: never;
        /** Change fields of an organization's override */
        patch: operations["updateOrganizationPolicy"];
        trace?: never;
    };
    "/v1/organizations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List organizations */
        get: operations["listOrganizations"];
        put?: never;
        /** Create an organization */
        post: operations["createOrganization"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an organization */
        get: operations["getOrganization"];
        put?: never;
        post?: never;
        /** Delete an organization without users */
        delete: operations["deleteOrganization"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List credentials (never their secrets) */
        get: operations["listCredentials"];
        put?: never;
        /** Create an API credential */
        post: operations["createCredential"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/credentials/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a credential (by id or client id) */
        delete: operations["revokeCredential"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/credentials/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Give a credential a new secret */
        post: operations["rotateCredential"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The audit log, oldest first; page with afterId */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/console/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The console session of the cookie (does not count as use with X-Sessiond-Console: background) */
        get: operations["getConsoleSession"];
        put?: never;
        /**
         * Sign in to the admin console (sets its session cookie)
         * @description A session of the core like any other (the policy governs it). The token is sent only as an HttpOnly, SameSite=Strict cookie; later /v1 calls authenticate with it when they carry the X-Sessiond-Console header. Wrong name, wrong password and locked account answer alike (401); a user who is not an admin: 403.
         */
        post: operations["signInToConsole"];
        /** Sign out of the console (ends the session, clears the cookie) */
        delete: operations["signOutOfConsole"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/policy/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * What a change of the instance policy would end now (nothing is saved)
         * @description Every active session is judged under the current and the proposed policy with the rule validation uses. Bad fields: 400 invalid_argument with the same details as saving (with replace=true, a policy missing fields: policy_invalid). Limits and allowPersistentSessions apply at the next sign-in and end nothing now.
         */
        post: operations["previewPolicy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{id}/policy/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** What a change of an organization's override would end now (nothing is saved) */
        post: operations["previewOrganizationPolicy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Active sessions now, sessions ended and sign-in attempts over the last hour */
        get: operations["getOverview"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** Error */
        Error: {
            error: {
                /** @enum {unknown} */
                code: "invalid_argument" | "policy_invalid" | "invalid_credentials" | "unauthenticated" | "permission_denied" | "not_found" | "already_exists" | "failed_precondition" | "session_limit_reached" | "persistent_not_allowed" | "rate_limited" | "unavailable" | "internal" | "payload_too_large" | "unsupported_media_type" | "method_not_allowed";
                message: string;
                requestId: string;
                details: {
                    field: string;
                    code: string;
                    message: string;
                }[];
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listSessions: {
        parameters: {
            query: {
                limit: number;
                offset: number;
                userId?: string;
                organizationId?: string;
                /** @description Session or user id (exact), login name (part), IP (prefix), user agent, country or city (part); case-insensitive. */
                search?: string;
                /** @description Only sessions active under the current policy. */
                active?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            subjectType: "user" | "credential";
                            userId: string | null;
                            credentialId: string | null;
                            subjectName?: string | null;
                            /** @description In lists: the device, read from the user agent. */
                            device?: {
                                browser: string | null;
                                operatingSystem: string | null;
                                platform: string | null;
                            };
                            organizationId: string;
                            role: string;
                            persistent: boolean;
                            /** @description Whether the current policy considers the session active now. */
                            active: boolean;
                            endReason: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            lastActiveAt: string;
                            /**
                             * Format: date-time
                             * @description Absolute deadline: the session ends then however active it is.
                             */
                            expiresAt: string;
                            idleExpiresAt: string | null;
                            endedAt: string | null;
                            location: {
                                ip: string | null;
                                userAgent: string | null;
                                country: string | null;
                                city: string | null;
                                lastIp: string | null;
                            };
                        }[];
                        total: number;
                        limit: number;
                        offset: number;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    signIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Unique (case-insensitively) within the organization. Printable: no control or invisible formatting characters. */
                    loginName: string;
                    password: string;
                    organizationId?: string;
                    /** @description "Remember me"; only where the policy allows persistent sessions. */
                    persistent?: boolean;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Session */
                        session: {
                            id: string;
                            subjectType: "user" | "credential";
                            userId: string | null;
                            credentialId: string | null;
                            subjectName?: string | null;
                            /** @description In lists: the device, read from the user agent. */
                            device?: {
                                browser: string | null;
                                operatingSystem: string | null;
                                platform: string | null;
                            };
                            organizationId: string;
                            role: string;
                            persistent: boolean;
                            /** @description Whether the current policy considers the session active now. */
                            active: boolean;
                            endReason: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            lastActiveAt: string;
                            /**
                             * Format: date-time
                             * @description Absolute deadline: the session ends then however active it is.
                             */
                            expiresAt: string;
                            idleExpiresAt: string | null;
                            endedAt: string | null;
                            location: {
                                ip: string | null;
                                userAgent: string | null;
                                country: string | null;
                                city: string | null;
                                lastIp: string | null;
                            };
                        };
                        /** @description 256-bit opaque token, shown once. */
                        token: string;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state does not allow it (a taken name, the session limit with `onLimit: deny_new`, an organization that still has users, …). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    introspectSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    token: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        active: boolean;
                        /** @description Why the token is not active (only when active is false): `rotated` is a token replaced by `POST /v1/sessions/rotate` (its session may still be active under the new token); `unknown` a token never issued or of a session deleted after its retention. */
                        reason?: "expired" | "idle_timeout" | "revoked" | "evicted" | "rotated" | "unknown";
                        /** Session */
                        session?: {
                            id: string;
                            subjectType: "user" | "credential";
                            userId: string | null;
                            credentialId: string | null;
                            subjectName?: string | null;
                            /** @description In lists: the device, read from the user agent. */
                            device?: {
                                browser: string | null;
                                operatingSystem: string | null;
                                platform: string | null;
                            };
                            organizationId: string;
                            role: string;
                            persistent: boolean;
                            /** @description Whether the current policy considers the session active now. */
                            active: boolean;
                            endReason: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            lastActiveAt: string;
                            /**
                             * Format: date-time
                             * @description Absolute deadline: the session ends then however active it is.
                             */
                            expiresAt: string;
                            idleExpiresAt: string | null;
                            endedAt: string | null;
                            location: {
                                ip: string | null;
                                userAgent: string | null;
                                country: string | null;
                                city: string | null;
                                lastIp: string | null;
                            };
                        };
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    signOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    token: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    rotateSessionToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    token: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Session */
                        session: {
                            id: string;
                            subjectType: "user" | "credential";
                            userId: string | null;
                            credentialId: string | null;
                            subjectName?: string | null;
                            /** @description In lists: the device, read from the user agent. */
                            device?: {
                                browser: string | null;
                                operatingSystem: string | null;
                                platform: string | null;
                            };
                            organizationId: string;
                            role: string;
                            persistent: boolean;
                            /** @description Whether the current policy considers the session active now. */
                            active: boolean;
                            endReason: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            lastActiveAt: string;
                            /**
                             * Format: date-time
                             * @description Absolute deadline: the session ends then however active it is.
                             */
                            expiresAt: string;
                            idleExpiresAt: string | null;
                            endedAt: string | null;
                            location: {
                                ip: string | null;
                                userAgent: string | null;
                                country: string | null;
                                city: string | null;
                                lastIp: string | null;
                            };
                        };
                        /** @description 256-bit opaque token, shown once. */
                        token: string;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeOtherSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    token: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        revoked: number;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    changeOwnPassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    token: string;
                    currentPassword: string;
                    newPassword: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        sessionsEnded: number;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        subjectType: "user" | "credential";
                        userId: string | null;
                        credentialId: string | null;
                        subjectName?: string | null;
                        /** @description In lists: the device, read from the user agent. */
                        device?: {
                            browser: string | null;
                            operatingSystem: string | null;
                            platform: string | null;
                        };
                        organizationId: string;
                        role: string;
                        persistent: boolean;
                        /** @description Whether the current policy considers the session active now. */
                        active: boolean;
                        endReason: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        lastActiveAt: string;
                        /**
                         * Format: date-time
                         * @description Absolute deadline: the session ends then however active it is.
                         */
                        expiresAt: string;
                        idleExpiresAt: string | null;
                        endedAt: string | null;
                        location: {
                            ip: string | null;
                            userAgent: string | null;
                            country: string | null;
                            city: string | null;
                            lastIp: string | null;
                        };
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    whoami: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        active: boolean;
                        /** @description Why the token is not active (only when active is false): `rotated` is a token replaced by `POST /v1/sessions/rotate` (its session may still be active under the new token); `unknown` a token never issued or of a session deleted after its retention. */
                        reason?: "expired" | "idle_timeout" | "revoked" | "evicted" | "rotated" | "unknown";
                        /** Session */
                        session?: {
                            id: string;
                            subjectType: "user" | "credential";
                            userId: string | null;
                            credentialId: string | null;
                            subjectName?: string | null;
                            /** @description In lists: the device, read from the user agent. */
                            device?: {
                                browser: string | null;
                                operatingSystem: string | null;
                                platform: string | null;
                            };
                            organizationId: string;
                            role: string;
                            persistent: boolean;
                            /** @description Whether the current policy considers the session active now. */
                            active: boolean;
                            endReason: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            lastActiveAt: string;
                            /**
                             * Format: date-time
                             * @description Absolute deadline: the session ends then however active it is.
                             */
                            expiresAt: string;
                            idleExpiresAt: string | null;
                            endedAt: string | null;
                            location: {
                                ip: string | null;
                                userAgent: string | null;
                                country: string | null;
                                city: string | null;
                                lastIp: string | null;
                            };
                        };
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        active: boolean;
                        /** @description Why the token is not active (only when active is false): `rotated` is a token replaced by `POST /v1/sessions/rotate` (its session may still be active under the new token); `unknown` a token never issued or of a session deleted after its retention. */
                        reason?: "expired" | "idle_timeout" | "revoked" | "evicted" | "rotated" | "unknown";
                        /** Session */
                        session?: {
                            id: string;
                            subjectType: "user" | "credential";
                            userId: string | null;
                            credentialId: string | null;
                            subjectName?: string | null;
                            /** @description In lists: the device, read from the user agent. */
                            device?: {
                                browser: string | null;
                                operatingSystem: string | null;
                                platform: string | null;
                            };
                            organizationId: string;
                            role: string;
                            persistent: boolean;
                            /** @description Whether the current policy considers the session active now. */
                            active: boolean;
                            endReason: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            lastActiveAt: string;
                            /**
                             * Format: date-time
                             * @description Absolute deadline: the session ends then however active it is.
                             */
                            expiresAt: string;
                            idleExpiresAt: string | null;
                            endedAt: string | null;
                            location: {
                                ip: string | null;
                                userAgent: string | null;
                                country: string | null;
                                city: string | null;
                                lastIp: string | null;
                            };
                        };
                    };
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    forwardAuth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Allowed: the identity headers, no body. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description To the sign-in page. */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        active: boolean;
                        /** @description Why the token is not active (only when active is false): `rotated` is a token replaced by `POST /v1/sessions/rotate` (its session may still be active under the new token); `unknown` a token never issued or of a session deleted after its retention. */
                        reason?: "expired" | "idle_timeout" | "revoked" | "evicted" | "rotated" | "unknown";
                        /** Session */
                        session?: {
                            id: string;
                            subjectType: "user" | "credential";
                            userId: string | null;
                            credentialId: string | null;
                            subjectName?: string | null;
                            /** @description In lists: the device, read from the user agent. */
                            device?: {
                                browser: string | null;
                                operatingSystem: string | null;
                                platform: string | null;
                            };
                            organizationId: string;
                            role: string;
                            persistent: boolean;
                            /** @description Whether the current policy considers the session active now. */
                            active: boolean;
                            endReason: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            lastActiveAt: string;
                            /**
                             * Format: date-time
                             * @description Absolute deadline: the session ends then however active it is.
                             */
                            expiresAt: string;
                            idleExpiresAt: string | null;
                            endedAt: string | null;
                            location: {
                                ip: string | null;
                                userAgent: string | null;
                                country: string | null;
                                city: string | null;
                                lastIp: string | null;
                            };
                        };
                    };
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listUsers: {
        parameters: {
            query: {
                limit: number;
                offset: number;
                organizationId?: string;
                search?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            loginName: string;
                            displayName: string | null;
                            role: "user" | "admin";
                            organizationId: string;
                            disabled: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            /** @description Locked out for too many wrong passwords: every password check is refused (`POST /v1/users/{id}/unlock` ends it). */
                            locked: boolean;
                            lockedUntil: string | null;
                            /** @description Wrong passwords counted toward the policy's `maxFailedPasswordAttempts`. */
                            failedPasswordAttempts: number;
                        }[];
                        total: number;
                        limit: number;
                        offset: number;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Unique (case-insensitively) within the organization. Printable: no control or invisible formatting characters. */
                    loginName: string;
                    /** @description At least 8 characters. */
                    password: string;
                    /** @description Selects the concurrent-session limit. */
                    role?: "user" | "admin";
                    organizationId?: string;
                    displayName?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        loginName: string;
                        displayName: string | null;
                        role: "user" | "admin";
                        organizationId: string;
                        disabled: boolean;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                        /** @description Locked out for too many wrong passwords: every password check is refused (`POST /v1/users/{id}/unlock` ends it). */
                        locked: boolean;
                        lockedUntil: string | null;
                        /** @description Wrong passwords counted toward the policy's `maxFailedPasswordAttempts`. */
                        failedPasswordAttempts: number;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state does not allow it (a taken name, the session limit with `onLimit: deny_new`, an organization that still has users, …). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        loginName: string;
                        displayName: string | null;
                        role: "user" | "admin";
                        organizationId: string;
                        disabled: boolean;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                        /** @description Locked out for too many wrong passwords: every password check is refused (`POST /v1/users/{id}/unlock` ends it). */
                        locked: boolean;
                        lockedUntil: string | null;
                        /** @description Wrong passwords counted toward the policy's `maxFailedPasswordAttempts`. */
                        failedPasswordAttempts: number;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Selects the concurrent-session limit. */
                    role?: "user" | "admin";
                    disabled?: boolean;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        loginName: string;
                        displayName: string | null;
                        role: "user" | "admin";
                        organizationId: string;
                        disabled: boolean;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                        /** @description Locked out for too many wrong passwords: every password check is refused (`POST /v1/users/{id}/unlock` ends it). */
                        locked: boolean;
                        lockedUntil: string | null;
                        /** @description Wrong passwords counted toward the policy's `maxFailedPasswordAttempts`. */
                        failedPasswordAttempts: number;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    unlockUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    setUserPassword: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description At least 8 characters. */
                    password: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        sessionsEnded: number;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listUserSessions: {
        parameters: {
            query: {
                limit: number;
                offset: number;
                active?: boolean;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            subjectType: "user" | "credential";
                            userId: string | null;
                            credentialId: string | null;
                            subjectName?: string | null;
                            /** @description In lists: the device, read from the user agent. */
                            device?: {
                                browser: string | null;
                                operatingSystem: string | null;
                                platform: string | null;
                            };
                            organizationId: string;
                            role: string;
                            persistent: boolean;
                            /** @description Whether the current policy considers the session active now. */
                            active: boolean;
                            endReason: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            lastActiveAt: string;
                            /**
                             * Format: date-time
                             * @description Absolute deadline: the session ends then however active it is.
                             */
                            expiresAt: string;
                            idleExpiresAt: string | null;
                            endedAt: string | null;
                            location: {
                                ip: string | null;
                                userAgent: string | null;
                                country: string | null;
                                city: string | null;
                                lastIp: string | null;
                            };
                        }[];
                        total: number;
                        limit: number;
                        offset: number;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeUserSessions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        revoked: number;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                        maxLifetimeSeconds: number;
                        /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                        idleTimeoutSeconds: number;
                        /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                        userSessionLimit: number;
                        /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                        adminSessionLimit: number;
                        /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                        onLimit: "evict_oldest" | "deny_new";
                        /** @description Whether a session may be created as persistent ("remember me"). */
                        allowPersistentSessions: boolean;
                        /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                        trackLocation: boolean;
                        /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                        maxFailedPasswordAttempts: number;
                        /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                        lockoutSeconds: number;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    replacePolicy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                    maxLifetimeSeconds: number;
                    /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                    idleTimeoutSeconds: number;
                    /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                    userSessionLimit: number;
                    /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                    adminSessionLimit: number;
                    /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                    onLimit: "evict_oldest" | "deny_new";
                    /** @description Whether a session may be created as persistent ("remember me"). */
                    allowPersistentSessions: boolean;
                    /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                    trackLocation: boolean;
                    /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                    maxFailedPasswordAttempts: number;
                    /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                    lockoutSeconds: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                        maxLifetimeSeconds: number;
                        /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                        idleTimeoutSeconds: number;
                        /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                        userSessionLimit: number;
                        /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                        adminSessionLimit: number;
                        /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                        onLimit: "evict_oldest" | "deny_new";
                        /** @description Whether a session may be created as persistent ("remember me"). */
                        allowPersistentSessions: boolean;
                        /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                        trackLocation: boolean;
                        /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                        maxFailedPasswordAttempts: number;
                        /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                        lockoutSeconds: number;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updatePolicy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                    maxLifetimeSeconds?: number;
                    /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                    idleTimeoutSeconds?: number;
                    /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                    userSessionLimit?: number;
                    /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                    adminSessionLimit?: number;
                    /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                    onLimit?: "evict_oldest" | "deny_new";
                    /** @description Whether a session may be created as persistent ("remember me"). */
                    allowPersistentSessions?: boolean;
                    /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                    trackLocation?: boolean;
                    /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                    maxFailedPasswordAttempts?: number;
                    /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                    lockoutSeconds?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                        maxLifetimeSeconds: number;
                        /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                        idleTimeoutSeconds: number;
                        /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                        userSessionLimit: number;
                        /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                        adminSessionLimit: number;
                        /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                        onLimit: "evict_oldest" | "deny_new";
                        /** @description Whether a session may be created as persistent ("remember me"). */
                        allowPersistentSessions: boolean;
                        /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                        trackLocation: boolean;
                        /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                        maxFailedPasswordAttempts: number;
                        /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                        lockoutSeconds: number;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getOrganizationPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                        maxLifetimeSeconds: number;
                        /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                        idleTimeoutSeconds: number;
                        /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                        userSessionLimit: number;
                        /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                        adminSessionLimit: number;
                        /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                        onLimit: "evict_oldest" | "deny_new";
                        /** @description Whether a session may be created as persistent ("remember me"). */
                        allowPersistentSessions: boolean;
                        /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                        trackLocation: boolean;
                        /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                        maxFailedPasswordAttempts: number;
                        /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                        lockoutSeconds: number;
                        organizationId: string;
                        override: {
                            /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                            maxLifetimeSeconds?: number;
                            /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                            idleTimeoutSeconds?: number;
                            /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                            userSessionLimit?: number;
                            /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                            adminSessionLimit?: number;
                            /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                            onLimit?: "evict_oldest" | "deny_new";
                            /** @description Whether a session may be created as persistent ("remember me"). */
                            allowPersistentSessions?: boolean;
                            /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                            trackLocation?: boolean;
                            /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                            maxFailedPasswordAttempts?: number;
                            /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                            lockoutSeconds?: number;
                        } | null;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    replaceOrganizationPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                    maxLifetimeSeconds?: number;
                    /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                    idleTimeoutSeconds?: number;
                    /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                    userSessionLimit?: number;
                    /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                    adminSessionLimit?: number;
                    /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                    onLimit?: "evict_oldest" | "deny_new";
                    /** @description Whether a session may be created as persistent ("remember me"). */
                    allowPersistentSessions?: boolean;
                    /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                    trackLocation?: boolean;
                    /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                    maxFailedPasswordAttempts?: number;
                    /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                    lockoutSeconds?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                        maxLifetimeSeconds: number;
                        /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                        idleTimeoutSeconds: number;
                        /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                        userSessionLimit: number;
                        /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                        adminSessionLimit: number;
                        /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                        onLimit: "evict_oldest" | "deny_new";
                        /** @description Whether a session may be created as persistent ("remember me"). */
                        allowPersistentSessions: boolean;
                        /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                        trackLocation: boolean;
                        /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                        maxFailedPasswordAttempts: number;
                        /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                        lockoutSeconds: number;
                        organizationId: string;
                        override: {
                            /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                            maxLifetimeSeconds?: number;
                            /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                            idleTimeoutSeconds?: number;
                            /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                            userSessionLimit?: number;
                            /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                            adminSessionLimit?: number;
                            /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                            onLimit?: "evict_oldest" | "deny_new";
                            /** @description Whether a session may be created as persistent ("remember me"). */
                            allowPersistentSessions?: boolean;
                            /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                            trackLocation?: boolean;
                            /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                            maxFailedPasswordAttempts?: number;
                            /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                            lockoutSeconds?: number;
                        } | null;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteOrganizationPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                        maxLifetimeSeconds: number;
                        /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                        idleTimeoutSeconds: number;
                        /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                        userSessionLimit: number;
                        /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                        adminSessionLimit: number;
                        /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                        onLimit: "evict_oldest" | "deny_new";
                        /** @description Whether a session may be created as persistent ("remember me"). */
                        allowPersistentSessions: boolean;
                        /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                        trackLocation: boolean;
                        /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                        maxFailedPasswordAttempts: number;
                        /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                        lockoutSeconds: number;
                        organizationId: string;
                        override: {
                            /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                            maxLifetimeSeconds?: number;
                            /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                            idleTimeoutSeconds?: number;
                            /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                            userSessionLimit?: number;
                            /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                            adminSessionLimit?: number;
                            /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                            onLimit?: "evict_oldest" | "deny_new";
                            /** @description Whether a session may be created as persistent ("remember me"). */
                            allowPersistentSessions?: boolean;
                            /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                            trackLocation?: boolean;
                            /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                            maxFailedPasswordAttempts?: number;
                            /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                            lockoutSeconds?: number;
                        } | null;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateOrganizationPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                    maxLifetimeSeconds?: number;
                    /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                    idleTimeoutSeconds?: number;
                    /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                    userSessionLimit?: number;
                    /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                    adminSessionLimit?: number;
                    /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                    onLimit?: "evict_oldest" | "deny_new";
                    /** @description Whether a session may be created as persistent ("remember me"). */
                    allowPersistentSessions?: boolean;
                    /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                    trackLocation?: boolean;
                    /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                    maxFailedPasswordAttempts?: number;
                    /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                    lockoutSeconds?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                        maxLifetimeSeconds: number;
                        /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                        idleTimeoutSeconds: number;
                        /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                        userSessionLimit: number;
                        /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                        adminSessionLimit: number;
                        /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                        onLimit: "evict_oldest" | "deny_new";
                        /** @description Whether a session may be created as persistent ("remember me"). */
                        allowPersistentSessions: boolean;
                        /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                        trackLocation: boolean;
                        /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                        maxFailedPasswordAttempts: number;
                        /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                        lockoutSeconds: number;
                        organizationId: string;
                        override: {
                            /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                            maxLifetimeSeconds?: number;
                            /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                            idleTimeoutSeconds?: number;
                            /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                            userSessionLimit?: number;
                            /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                            adminSessionLimit?: number;
                            /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                            onLimit?: "evict_oldest" | "deny_new";
                            /** @description Whether a session may be created as persistent ("remember me"). */
                            allowPersistentSessions?: boolean;
                            /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                            trackLocation?: boolean;
                            /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                            maxFailedPasswordAttempts?: number;
                            /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                            lockoutSeconds?: number;
                        } | null;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listOrganizations: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            /** Format: date-time */
                            createdAt: string;
                            policyOverride: {
                                /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                                maxLifetimeSeconds?: number;
                                /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                                idleTimeoutSeconds?: number;
                                /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                                userSessionLimit?: number;
                                /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                                adminSessionLimit?: number;
                                /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                                onLimit?: "evict_oldest" | "deny_new";
                                /** @description Whether a session may be created as persistent ("remember me"). */
                                allowPersistentSessions?: boolean;
                                /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                                trackLocation?: boolean;
                                /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                                maxFailedPasswordAttempts?: number;
                                /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                                lockoutSeconds?: number;
                            } | null;
                            /** Policy */
                            effectivePolicy: {
                                /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                                maxLifetimeSeconds: number;
                                /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                                idleTimeoutSeconds: number;
                                /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                                userSessionLimit: number;
                                /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                                adminSessionLimit: number;
                                /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                                onLimit: "evict_oldest" | "deny_new";
                                /** @description Whether a session may be created as persistent ("remember me"). */
                                allowPersistentSessions: boolean;
                                /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                                trackLocation: boolean;
                                /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                                maxFailedPasswordAttempts: number;
                                /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                                lockoutSeconds: number;
                            };
                        }[];
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createOrganization: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id?: string;
                    name: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** Format: date-time */
                        createdAt: string;
                        policyOverride: {
                            /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                            maxLifetimeSeconds?: number;
                            /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                            idleTimeoutSeconds?: number;
                            /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                            userSessionLimit?: number;
                            /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                            adminSessionLimit?: number;
                            /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                            onLimit?: "evict_oldest" | "deny_new";
                            /** @description Whether a session may be created as persistent ("remember me"). */
                            allowPersistentSessions?: boolean;
                            /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                            trackLocation?: boolean;
                            /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                            maxFailedPasswordAttempts?: number;
                            /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                            lockoutSeconds?: number;
                        } | null;
                        /** Policy */
                        effectivePolicy: {
                            /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                            maxLifetimeSeconds: number;
                            /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                            idleTimeoutSeconds: number;
                            /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                            userSessionLimit: number;
                            /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                            adminSessionLimit: number;
                            /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                            onLimit: "evict_oldest" | "deny_new";
                            /** @description Whether a session may be created as persistent ("remember me"). */
                            allowPersistentSessions: boolean;
                            /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                            trackLocation: boolean;
                            /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                            maxFailedPasswordAttempts: number;
                            /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                            lockoutSeconds: number;
                        };
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state does not allow it (a taken name, the session limit with `onLimit: deny_new`, an organization that still has users, …). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getOrganization: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** Format: date-time */
                        createdAt: string;
                        policyOverride: {
                            /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                            maxLifetimeSeconds?: number;
                            /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                            idleTimeoutSeconds?: number;
                            /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                            userSessionLimit?: number;
                            /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                            adminSessionLimit?: number;
                            /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                            onLimit?: "evict_oldest" | "deny_new";
                            /** @description Whether a session may be created as persistent ("remember me"). */
                            allowPersistentSessions?: boolean;
                            /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                            trackLocation?: boolean;
                            /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                            maxFailedPasswordAttempts?: number;
                            /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                            lockoutSeconds?: number;
                        } | null;
                        /** Policy */
                        effectivePolicy: {
                            /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                            maxLifetimeSeconds: number;
                            /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                            idleTimeoutSeconds: number;
                            /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                            userSessionLimit: number;
                            /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                            adminSessionLimit: number;
                            /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                            onLimit: "evict_oldest" | "deny_new";
                            /** @description Whether a session may be created as persistent ("remember me"). */
                            allowPersistentSessions: boolean;
                            /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                            trackLocation: boolean;
                            /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                            maxFailedPasswordAttempts: number;
                            /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                            lockoutSeconds: number;
                        };
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteOrganization: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state does not allow it (a taken name, the session limit with `onLimit: deny_new`, an organization that still has users, …). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listCredentials: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            clientId: string;
                            name: string;
                            permissions: string[];
                            organizationId: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            revokedAt: string | null;
                        }[];
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createCredential: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @description Named permissions; `ServiceProviderAPI` grants both session_config permissions, `admin` grants all. */
                    permissions: ("session_config:read" | "session_config:write" | "sessions:read" | "sessions:write" | "users:read" | "users:write" | "credentials:read" | "credentials:write" | "organizations:read" | "organizations:write" | "audit:read" | "metrics:read" | "ServiceProviderAPI" | "admin")[];
                    /** @description Limit the credential to one organization. */
                    organizationId?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        clientId: string;
                        name: string;
                        permissions: string[];
                        organizationId: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        revokedAt: string | null;
                        /** @description Shown this once; stored only as a hash. */
                        secret: string;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    rotateCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        clientId: string;
                        name: string;
                        permissions: string[];
                        organizationId: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        revokedAt: string | null;
                        /** @description Shown this once; stored only as a hash. */
                        secret: string;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state does not allow it (a taken name, the session limit with `onLimit: deny_new`, an organization that still has users, …). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listEvents: {
        parameters: {
            query: {
                aggregateType?: string;
                aggregateId?: string;
                type?: string;
                actor?: string;
                organizationId?: string;
                since?: string;
                until?: string;
                afterId?: number;
                limit: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: number;
                            aggregateType: string;
                            aggregateId: string;
                            sequence: number;
                            type: string;
                            actor: string;
                            organizationId: string | null;
                            /** Format: date-time */
                            at: string;
                            data: {
                                [key: string]: unknown;
                            };
                        }[];
                        nextAfterId: number | null;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getConsoleSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        kind: "user" | "credential";
                        /** @description The admin user's login name or the credential's name. */
                        name: string;
                        /** @description How the audit log names the caller. */
                        actor: string;
                        /** @description null: instance-wide; else the only organization the caller may manage. */
                        organizationId: string | null;
                        permissions: string[];
                        sessionId: string;
                        /**
                         * Format: date-time
                         * @description Absolute end of the console session.
                         */
                        expiresAt: string;
                        /** @description When the console session ends if unused; null without idle timeout. */
                        idleExpiresAt: string | null;
                        /** @description The idle timeout of the caller's policy; 0 = none. */
                        idleTimeoutSeconds: number;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    signInToConsole: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description An admin user (role `admin`) with login name and password, or an API credential by its secret. */
        requestBody: {
            content: {
                "application/json": {
                    /** @description Unique (case-insensitively) within the organization. Printable: no control or invisible formatting characters. */
                    loginName: string;
                    password: string;
                    organizationId?: string;
                } | {
                    secret: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        kind: "user" | "credential";
                        /** @description The admin user's login name or the credential's name. */
                        name: string;
                        /** @description How the audit log names the caller. */
                        actor: string;
                        /** @description null: instance-wide; else the only organization the caller may manage. */
                        organizationId: string | null;
                        permissions: string[];
                        sessionId: string;
                        /**
                         * Format: date-time
                         * @description Absolute end of the console session.
                         */
                        expiresAt: string;
                        /** @description When the console session ends if unused; null without idle timeout. */
                        idleExpiresAt: string | null;
                        /** @description The idle timeout of the caller's policy; 0 = none. */
                        idleTimeoutSeconds: number;
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    signOutOfConsole: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    previewPolicy: {
        parameters: {
            query?: {
                /** @description The body is the whole policy (or override), not a change of some fields. */
                replace?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                    maxLifetimeSeconds?: number;
                    /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                    idleTimeoutSeconds?: number;
                    /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                    userSessionLimit?: number;
                    /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                    adminSessionLimit?: number;
                    /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                    onLimit?: "evict_oldest" | "deny_new";
                    /** @description Whether a session may be created as persistent ("remember me"). */
                    allowPersistentSessions?: boolean;
                    /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                    trackLocation?: boolean;
                    /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                    maxFailedPasswordAttempts?: number;
                    /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                    lockoutSeconds?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Active sessions that saving would end at once. */
                        sessionsEnded: number;
                        /** @description Distinct users those sessions belong to. */
                        usersAffected: number;
                        byReason: {
                            expired: number;
                            idle_timeout: number;
                        };
                        /** @description Saving would end the caller's own session. */
                        endsCallersSession: boolean;
                        /** @description Active sessions judged. */
                        activeSessions: number;
                        /** Policy */
                        policy: {
                            /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                            maxLifetimeSeconds: number;
                            /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                            idleTimeoutSeconds: number;
                            /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                            userSessionLimit: number;
                            /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                            adminSessionLimit: number;
                            /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                            onLimit: "evict_oldest" | "deny_new";
                            /** @description Whether a session may be created as persistent ("remember me"). */
                            allowPersistentSessions: boolean;
                            /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                            trackLocation: boolean;
                            /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                            maxFailedPasswordAttempts: number;
                            /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                            lockoutSeconds: number;
                        };
                        /** @description Valid but meaningless combinations in that policy (saving is allowed): `exceeds_lifetime` when the idle timeout is not shorter than the lifetime. */
                        warnings: {
                            field: string;
                            code: string;
                            message: string;
                        }[];
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    previewOrganizationPolicy: {
        parameters: {
            query?: {
                /** @description The body is the whole policy (or override), not a change of some fields. */
                replace?: boolean;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                    maxLifetimeSeconds?: number;
                    /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                    idleTimeoutSeconds?: number;
                    /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                    userSessionLimit?: number;
                    /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                    adminSessionLimit?: number;
                    /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                    onLimit?: "evict_oldest" | "deny_new";
                    /** @description Whether a session may be created as persistent ("remember me"). */
                    allowPersistentSessions?: boolean;
                    /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                    trackLocation?: boolean;
                    /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                    maxFailedPasswordAttempts?: number;
                    /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                    lockoutSeconds?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Active sessions that saving would end at once. */
                        sessionsEnded: number;
                        /** @description Distinct users those sessions belong to. */
                        usersAffected: number;
                        byReason: {
                            expired: number;
                            idle_timeout: number;
                        };
                        /** @description Saving would end the caller's own session. */
                        endsCallersSession: boolean;
                        /** @description Active sessions judged. */
                        activeSessions: number;
                        /** Policy */
                        policy: {
                            /** @description Absolute lifetime: a session ends this many seconds after creation, however active. */
                            maxLifetimeSeconds: number;
                            /** @description A session unused for this many seconds ends; 0 turns the idle timeout off. */
                            idleTimeoutSeconds: number;
                            /** @description Concurrent sessions per user with role `user`; 0 = unlimited. */
                            userSessionLimit: number;
                            /** @description Concurrent sessions per user with role `admin`; 0 = unlimited. */
                            adminSessionLimit: number;
                            /** @description What a sign-in beyond the limit does: end the oldest active session, or be refused. */
                            onLimit: "evict_oldest" | "deny_new";
                            /** @description Whether a session may be created as persistent ("remember me"). */
                            allowPersistentSessions: boolean;
                            /** @description Record client IP, user agent and (with a GeoIP database) country and city at creation and on use. */
                            trackLocation: boolean;
                            /** @description Wrong passwords in a row after which the user is locked (every password check counts: sign-in, ZITADEL checks, password change); 0 = no lockout. */
                            maxFailedPasswordAttempts: number;
                            /** @description How long a lock lasts; 0 = until an administrator unlocks the user (`POST /v1/users/{id}/unlock`). */
                            lockoutSeconds: number;
                        };
                        /** @description Valid but meaningless combinations in that policy (saving is allowed): `exceeds_lifetime` when the idle timeout is not shorter than the lifetime. */
                        warnings: {
                            field: string;
                            code: string;
                            message: string;
                        }[];
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or not visible to the caller. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than `SESSIOND_BODY_LIMIT_BYTES`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A path parameter is longer than 200 characters. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getOverview: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        now: string;
                        activeSessions: number;
                        activeUsers: number;
                        activeCredentialSessions: number;
                        /** @description Sessions ended in the window, by reason. */
                        ended: {
                            /** Format: date-time */
                            since: string;
                            expired: number;
                            idle_timeout: number;
                            revoked: number;
                            evicted: number;
                        };
                        /** @description Sign-in attempts by result (success, failure: wrong name or password, rejected: locked, limit, rate limit), oldest bucket first. */
                        signIns: {
                            /**
                             * @description This node's attempts (all nodes together: Prometheus' sessiond_sign_ins_total).
                             * @enum {string}
                             */
                            scope: "node";
                            bucketMinutes: number;
                            buckets: {
                                /** Format: date-time */
                                start: string;
                                success: number;
                                failure: number;
                                rejected: number;
                                error: number;
                            }[];
                        };
                    };
                };
            };
            /** @description Invalid request (body, query, path or URL); `details` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated: no credential or one that is not valid (and, where a login name, password or session token is the proof, a wrong one). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credential lacks the permission (`details` is empty; the answer does not say whether the resource exists). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; retry after the seconds in `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait. */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Storage is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Unexpected failure (500, `internal`): the cause is logged with the request id, never sent. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
