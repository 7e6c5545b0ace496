export interface paths {
  "/health": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Liveness
     * @description No I/O and no configuration: 200 whenever the Worker runs.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description alive */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              status: "ok";
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/ready": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Readiness: a round trip to each dependency
     * @description 503 names the failed dependency, or the misconfigured variables (names only, never values). An advisory probe (`audit`) is reported but never takes the service out of rotation.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description ready */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              status: "ready";
              checks: {
                [key: string]: string;
              };
            };
          };
        };
        /** @description not ready; or server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json":
              | {
                  /** @enum {string} */
                  status: "unavailable";
                  checks: {
                    [key: string]: string;
                  };
                }
              | {
                  /** @enum {string} */
                  status: "misconfigured";
                  variables: string[];
                  hint: string;
                }
              | {
                  /** @enum {string} */
                  error: "server_misconfigured" | "temporarily_unavailable";
                  error_description?: string;
                };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/.well-known/jwks.json": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The public signing keys as a JWK Set (RFC 7517)
     * @description Cached for JWKS_MAX_AGE_SECONDS, which stays shorter than the lead time with which a new key is published before it signs (docs/key-rotation.md).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the key set */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              keys: {
                /** @enum {string} */
                kty: "OKP";
                /** @enum {string} */
                crv: "Ed25519";
                x: string;
                kid: string;
                /** @enum {string} */
                alg: "EdDSA";
                /** @enum {string} */
                use: "sig";
              }[];
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/.well-known/paserk.json": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The public signing keys as PASERK k4.public, for PASETO verifiers
     * @description `kid` is the PASERK `k4.pid` that PASETO v4.public footers carry; cached as the JWKS is.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the keys */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              keys: {
                /** @description `k4.pid.…`, as PASETO footers name the key */
                kid: string;
                /** @description `k4.public.…` */
                paserk: string;
              }[];
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/register": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Create an account with an email and a password
     * @description The one deliberate enumeration point: a taken address answers 409 (docs/security.md).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            email: string;
            password: string;
          };
        };
      };
      responses: {
        /** @description created */
        201: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              user: {
                /** Format: uuid */
                id: string;
                email: string;
                email_verified: boolean;
                /** Format: date-time */
                created_at: string;
              };
            };
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description email_taken */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "email_taken";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/login": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sign in with an email and a password
     * @description Answers the token pair, or `mfa_required` with an `mfa_token` for POST /v1/login/mfa. `token_transport: "cookie"` puts the refresh token in `__Host-refresh` instead of the body.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            email: string;
            password: string;
            /**
             * @default body
             * @enum {string}
             */
            token_transport?: "body" | "cookie";
            challenge_token?: string;
          };
        };
      };
      responses: {
        /** @description signed in, or a second factor is due */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json":
              | {
                  access_token: string;
                  /** @enum {string} */
                  token_type: "Bearer";
                  expires_in: number;
                  refresh_expires_in: number;
                  /** @description absent in cookie mode */
                  refresh_token?: string;
                }
              | {
                  /** @enum {boolean} */
                  mfa_required: true;
                  mfa_token: string;
                  methods: string[];
                };
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description invalid_credentials */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_credentials";
              error_description?: string;
            };
          };
        };
        /** @description account_disabled, email_not_verified, password_reset_required */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "account_disabled" | "email_not_verified" | "password_reset_required";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/me": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The signed-in account */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the account */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** Format: uuid */
              id: string;
              email: string;
              email_verified: boolean;
              /** Format: date-time */
              created_at: string;
            };
          };
        };
        /** @description invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/token/refresh": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Exchange a refresh token for a new token pair
     * @description RFC 6749 §6 with rotation: the refresh token comes in the body, or in `__Host-refresh` from an allowed Origin (cookie mode, which answers the new one in the cookie). A reused token revokes its whole family; unknown, expired, revoked and reused tokens all answer `invalid_grant` (§5.2).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            refresh_token?: string;
          };
        };
      };
      responses: {
        /** @description the new token pair */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              access_token: string;
              /** @enum {string} */
              token_type: "Bearer";
              expires_in: number;
              refresh_expires_in: number;
              /** @description absent in cookie mode */
              refresh_token?: string;
            };
          };
        };
        /** @description invalid_grant, invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_grant" | "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description invalid_origin */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_origin";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/logout": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * End the session of a refresh token
     * @description The refresh token comes in the body, or in `__Host-refresh` from an allowed Origin (the cookie is then cleared). RFC 7009 §2.2: 204 whether or not the token was valid.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            refresh_token?: string;
          };
        };
      };
      responses: {
        /** @description the session, if any, has ended */
        204: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description invalid_origin */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_origin";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/logout-all": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * End every session of the signed-in account
     * @description Also ends every pending password-reset and email-change link and every legacy session, and clears the refresh cookie.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description every session has ended */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sessions": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The signed-in account's active sessions */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the active sessions */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              sessions: {
                id: string;
                /** @description the session of the access token that asks */
                current: boolean;
                /** Format: date-time */
                created_at: string;
                /**
                 * Format: date-time
                 * @description kept to the hour
                 */
                last_used_at: string;
                /** Format: date-time */
                expires_at: string;
                user_agent: string | null;
                ip: string | null;
              }[];
            };
          };
        };
        /** @description invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
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
    get?: never;
    put?: never;
    post?: never;
    /**
     * End one of the signed-in account's sessions
     * @description Ending the caller's own session is a logout; ending another one is a sensitive change and needs a recent authentication (RFC 9470). Anyone else's session is not found.
     */
    delete: {
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
        /** @description the session has ended */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description insufficient_user_authentication, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "insufficient_user_authentication" | "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description not_found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_found";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/introspect": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Whether an access token is active, and its claims (RFC 7662)
     * @description For services outside Workers; the caller authenticates with a service key from INTROSPECTION_KEYS (§2.1). The token comes as a form (§2.1) or as JSON. Off (404 `not_configured`) when no keys are configured.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/x-www-form-urlencoded": {
            token: string;
            token_type_hint?: string;
          };
          "application/json": {
            token: string;
            token_type_hint?: string;
          };
        };
      };
      responses: {
        /** @description the token's state */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json":
              | {
                  /** @enum {boolean} */
                  active: true;
                  /** @enum {string} */
                  token_type: "Bearer";
                  client_id: string;
                  sub: string;
                  aud: string;
                  iss: string;
                  exp: number;
                  iat: number;
                  jti: string;
                  sid: string;
                }
              | {
                  /** @enum {boolean} */
                  active: false;
                };
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/users": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Search accounts
     * @description By id, by address prefix (in address order), or newest first, within an optional creation range (RFC 3339); at most 100 a page. Needs `users:read`; pass `next_cursor` back as `cursor`.
     */
    get: {
      parameters: {
        query?: {
          id?: string;
          email_prefix?: string;
          created_from?: string;
          created_to?: string;
          limit?: number;
          cursor?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description a page of accounts */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              users: {
                /** Format: uuid */
                id: string;
                email: string;
                email_verified: boolean;
                /** Format: date-time */
                created_at: string;
                /** Format: date-time */
                disabled_at: string | null;
              }[];
              /** @description null on the last page */
              next_cursor: string | null;
            };
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "forbidden";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/users/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One account, its sessions and every feature's facts about it
     * @description Needs `users:read`. Never a hash or a secret: the view is for people.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description the user's id */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the account */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** Format: uuid */
              id: string;
              email: string;
              email_verified: boolean;
              /** Format: date-time */
              created_at: string;
              /** Format: date-time */
              disabled_at: string | null;
              password_set: boolean;
              password_reset_required: boolean;
              sessions: {
                id: string;
                /** Format: date-time */
                created_at: string;
                /**
                 * Format: date-time
                 * @description kept to the hour
                 */
                last_used_at: string;
                /** Format: date-time */
                expires_at: string;
                user_agent: string | null;
                ip: string | null;
              }[];
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "forbidden";
              error_description?: string;
            };
          };
        };
        /** @description not_found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_found";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    /**
     * Erase an account (GDPR Art. 17)
     * @description The account goes with everything that names it; the audit trail keeps ids and reason codes only. A feature may refuse first (409 `last_admin`: the last holder of `admin`). Needs `users:delete` and a recent authentication (RFC 9470).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description the user's id */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description erased */
        204: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description insufficient_user_authentication, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "insufficient_user_authentication" | "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "forbidden";
              error_description?: string;
            };
          };
        };
        /** @description not_found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_found";
              error_description?: string;
            };
          };
        };
        /** @description last_admin */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "last_admin";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/users/{id}/disable": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Disable an account
     * @description Every session ends at once and every sign-in answers `account_disabled`. A feature may refuse first (409 `last_admin`: the last enabled holder of `admin`). Needs `users:disable` and a recent authentication (RFC 9470).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description the user's id */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description disabled */
        204: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description insufficient_user_authentication, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "insufficient_user_authentication" | "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "forbidden";
              error_description?: string;
            };
          };
        };
        /** @description not_found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_found";
              error_description?: string;
            };
          };
        };
        /** @description last_admin */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "last_admin";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/users/{id}/enable": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Let a disabled account sign in again
     * @description The sessions the disable ended stay ended. Needs `users:disable` and a recent authentication (RFC 9470).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description the user's id */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description enabled */
        204: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description insufficient_user_authentication, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "insufficient_user_authentication" | "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "forbidden";
              error_description?: string;
            };
          };
        };
        /** @description not_found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_found";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/users/{id}/password-reset": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Require a new password
     * @description Every session and pending link ends; the right password answers `password_reset_required` until the user resets it. Needs `users:reset` and a recent authentication (RFC 9470).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description the user's id */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description a reset is required */
        204: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description insufficient_user_authentication, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "insufficient_user_authentication" | "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "forbidden";
              error_description?: string;
            };
          };
        };
        /** @description not_found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_found";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/audit/verify": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Verify the HMAC chains of the audit trail
     * @description 200 either way: `ok`, or the first place a chain breaks and why (docs/audit.md). A chain that exists nowhere is a 400, not an intact chain.
     */
    get: {
      parameters: {
        query?: {
          /** @description repeat to narrow to these chains; none means every chain */
          chain?: string[];
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the outcome */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json":
              | {
                  /** @enum {boolean} */
                  ok: true;
                  chains: number;
                  events: number;
                }
              | {
                  /** @enum {boolean} */
                  ok: false;
                  chain: string;
                  /** @description the first seq at which the chain breaks */
                  sequence: number;
                  /** @enum {string} */
                  reason:
                    | "gap"
                    | "duplicate"
                    | "unknown_key"
                    | "prev_mac_mismatch"
                    | "reordered"
                    | "mac_mismatch"
                    | "truncated"
                    | "displaced";
                  detail: string;
                };
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/audit/export": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Export the audit trail for offline verification
     * @description Streamed NDJSON: a header line, each chain's events, checkpoints and live head, then an `end` line with counts; a download without it is incomplete. Never carries a key (docs/audit.md, "Verifying offline").
     */
    get: {
      parameters: {
        query?: {
          /** @description repeat to narrow to these chains; none means every chain */
          chain?: string[];
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the export, as an attachment */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            "Content-Disposition"?: string;
            [name: string]: unknown;
          };
          content: {
            "application/x-ndjson": string;
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/password/forgot": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Mail a password-reset link
     * @description The same 202 for every address, known or not, so the answer tells nothing about who has an account; the lookup and the per-address limit happen in the mail consumer.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            email: string;
          };
        };
      };
      responses: {
        /** @description accepted */
        202: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              status: "accepted";
            };
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/password/reset": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Set a new password with a reset link's token
     * @description The token is consumed and the password set in one statement, so exactly one of any concurrent replays succeeds; the address counts as verified, and every session ends when RESET_REVOKES_SESSIONS is true.
     */
    post: {
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
            password: string;
          };
        };
      };
      responses: {
        /** @description the password is set */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              status: "password_reset";
            };
          };
        };
        /** @description invalid_request, invalid_token */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request" | "invalid_token";
              error_description?: string;
            };
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/email/verify": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Confirm an address with a verification link's token
     * @description A registration link verifies the account's address; an address-change link makes the new address the account's (409 if another account took it meanwhile).
     */
    post: {
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
        /** @description verified */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {boolean} */
              email_verified: true;
            };
          };
        };
        /** @description invalid_request, invalid_token */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request" | "invalid_token";
              error_description?: string;
            };
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description email_taken */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "email_taken";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/email/verify/resend": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Mail a new verification link
     * @description With a bearer token (RFC 6750), for the signed-in account's address, limited per account too. Without one, the body names the address: the same 202 for every address, so a user refused at login with 403 email_not_verified can ask without a session.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          "application/json": {
            email: string;
          };
        };
      };
      responses: {
        /** @description accepted */
        202: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              status: "accepted";
            };
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description invalid_token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_token";
              error_description?: string;
            };
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/password/change": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Change the password, confirming the current one
     * @description Needs a recent authentication (RFC 9470). Outstanding reset and address-change links die with the old password; the other sessions end unless `revoke_other_sessions` is false; the owner is told by mail.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            current_password: string;
            new_password: string;
            /** @default true */
            revoke_other_sessions?: boolean;
          };
        };
      };
      responses: {
        /** @description changed */
        204: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description insufficient_user_authentication, invalid_credentials, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error:
                | "insufficient_user_authentication"
                | "invalid_credentials"
                | "invalid_token"
                | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description password_not_set */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "password_not_set";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/email/change": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Ask to change the address, confirming the password
     * @description Needs a recent authentication (RFC 9470). Nothing changes yet: a link goes to the new address (and a notice to the current one); the change happens when its token comes back to POST /v1/email/verify.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            password: string;
            new_email: string;
          };
        };
      };
      responses: {
        /** @description accepted */
        202: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              status: "accepted";
            };
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description insufficient_user_authentication, invalid_credentials, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error:
                | "insufficient_user_authentication"
                | "invalid_credentials"
                | "invalid_token"
                | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description email_taken, password_not_set */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "email_taken" | "password_not_set";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/verify-email": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The page a verification link opens
     * @description Its button posts the link's `token` (read from the query string by the page's script, never by the server) to POST /v1/email/verify.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the page */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/html": string;
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/reset-password": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The page a password-reset link opens
     * @description Asks for a new password and posts it with the link's `token` (read from the query string by the page's script, never by the server) to POST /v1/password/reset.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the page */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/html": string;
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/pages/recovery.js": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The recovery pages' script */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the script */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/javascript": string;
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/pages/recovery.css": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The recovery pages' style sheet */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the style sheet */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/css": string;
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/users/import": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Import users with their legacy password hashes
     * @description NDJSON, one record a line, or a JSON array of records (`application/json`), at most 5 MiB and 10,000 records. Answers 200 with one result per record, in input order, whatever happened to each; idempotent (docs/migration.md).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/x-ndjson": {
            /** Format: email */
            email: string;
            /** @description bcrypt, Django bcrypt_sha256 / pbkdf2_sha256, argon2id */
            password_hash: string;
            password_salt?: string | null;
            email_verified?: boolean;
          };
        };
      };
      responses: {
        /** @description one result per record */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              summary: {
                created: number;
                exists: number;
                conflict: number;
                rejected: number;
              };
              results: {
                line: number;
                email: string | null;
                /** @enum {string} */
                status: "created" | "exists" | "conflict" | "rejected";
                reason?: string;
                detail?: string;
              }[];
            };
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/legacy-sessions/import": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Import the monolith's sessions, each exchangeable once
     * @description NDJSON, one record a line, or a JSON array of records (`application/json`), at most 5 MiB and 10,000 records. Answers 200 with one result per record, in input order, whatever happened to each; idempotent (docs/migration.md). Only the SHA-256 of a session key is ever sent.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/x-ndjson": {
            session_key_sha256: string;
            /** Format: email */
            email: string;
            /** Format: date-time */
            expires_at: string;
          };
        };
      };
      responses: {
        /** @description one result per record */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              summary: {
                created: number;
                exists: number;
                conflict: number;
                rejected: number;
              };
              results: {
                line: number;
                email: string | null;
                /** @enum {string} */
                status: "created" | "exists" | "conflict" | "rejected";
                reason?: string;
                detail?: string;
              }[];
            };
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/stats": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * How far the migration from the monolith has come
     * @description Users per stored hash scheme (legacy hashes upgrade at the next login) and legacy sessions per state.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the counts */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              users: {
                total: number;
                legacy: number;
                by_scheme: {
                  argon2id_current: number;
                  argon2id_outdated: number;
                  argon2id_imported: number;
                  bcrypt: number;
                  bcrypt_sha256: number;
                  pbkdf2_sha256: number;
                  other: number;
                };
              };
              legacy_sessions: {
                pending: number;
                exchanged: number;
                lapsed: number;
              };
            };
          };
        };
        /** @description unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/legacy/exchange": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Trade a session of the legacy monolith for a token pair, once
     * @description The session key comes from the body or, failing that, from the monolith's cookie (then only from an allowed Origin). One answer for unknown, expired, used and too-late sessions (RFC 6749 §5.2 `invalid_grant`). The sign-in goes through the same gates as a password login, so it may answer `mfa_required` instead of tokens.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            session_key?: string;
            /**
             * @default body
             * @enum {string}
             */
            token_transport?: "body" | "cookie";
          };
        };
      };
      responses: {
        /** @description signed in, or a second factor is due */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json":
              | {
                  access_token: string;
                  /** @enum {string} */
                  token_type: "Bearer";
                  expires_in: number;
                  refresh_expires_in: number;
                  /** @description absent in cookie mode */
                  refresh_token?: string;
                }
              | {
                  /** @enum {boolean} */
                  mfa_required: true;
                  mfa_token: string;
                  methods: string[];
                };
          };
        };
        /** @description invalid_grant, invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_grant" | "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description account_disabled, email_not_verified, invalid_origin */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "account_disabled" | "email_not_verified" | "invalid_origin";
              error_description?: string;
            };
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/oauth/providers": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The sign-in providers that are on, for login buttons */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the providers */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              providers: {
                id: string;
                name: string;
                authorize_url: string;
              }[];
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/oauth/{provider}/authorize": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Start a sign-in (or a link) with a provider
     * @description Redirects to the provider with this service's own state, PKCE (RFC 7636) and nonce. Once `redirect_uri` is known to be registered, errors go back to it as `error` (RFC 6749 §4.1.2.1), `error_code` and `error_description` on a 303; before that (unknown provider, unlisted `redirect_uri`, a bad `link_ticket`) a JSON error.
     */
    get: {
      parameters: {
        query?: {
          /** @description exactly one of OAUTH_REDIRECT_URIS; required unless `link_ticket` is sent */
          redirect_uri?: string;
          /** @description the app's own state, sent back as is */
          state?: string;
          login_hint?: string;
          /** @description app mode (RFC 8252): an RFC 7636 S256 challenge; the callback answers a `code` */
          code_challenge?: string;
          code_challenge_method?: "S256";
          /** @description from POST /v1/identities/link: links the identity to that account */
          link_ticket?: string;
        };
        header?: never;
        path: {
          /** @description a provider id, e.g. `google` */
          provider: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description to the provider; sets the `__Host-oauth-flow` cookie */
        302: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            Location?: string;
            "Set-Cookie"?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description back to `redirect_uri` with the error */
        303: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            Location?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description invalid_redirect_uri, invalid_request, invalid_state */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_redirect_uri" | "invalid_request" | "invalid_state";
              error_description?: string;
            };
          };
        };
        /** @description unknown_provider */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unknown_provider";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/oauth/{provider}/callback": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The provider's redirect back: finish the sign-in or the link
     * @description Always a 303 to the flow's `redirect_uri`, with the app's `state`: browser mode sets `__Host-refresh`; app mode (RFC 8252) adds a one-time `code` for POST /v1/oauth/token; a link adds a one-time `link_code` for POST /v1/identities/link/complete; a due second factor adds `mfa_required=true` and `mfa_token`; a refusal adds `error` (RFC 6749 §4.1.2.1), `error_code` (e.g. `account_exists`, `account_disabled`) and `error_description`. Only a flow that cannot be found (missing, unknown, used, another provider's or another browser's `state`) answers a JSON error.
     */
    get: {
      parameters: {
        query?: {
          state?: string;
          code?: string;
          iss?: string;
          error?: string;
          error_description?: string;
          error_uri?: string;
        };
        header?: never;
        path: {
          /** @description a provider id, e.g. `google` */
          provider: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description back to the flow's `redirect_uri` */
        303: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            Location?: string;
            "Set-Cookie"?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description invalid_request, invalid_state */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request" | "invalid_state";
              error_description?: string;
            };
          };
        };
        /** @description unknown_provider */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unknown_provider";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/oauth/token": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Redeem the app's one-time code for the token pair
     * @description RFC 8252: the `code` the callback sent to the app, once and within 60 s, with the verifier of its S256 challenge (RFC 7636 §4.6). Unknown, expired, used and wrong-verifier codes all answer `invalid_grant` (RFC 6749 §5.2). A due second factor answers `mfa_required` instead.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            code: string;
            code_verifier: string;
          };
        };
      };
      responses: {
        /** @description signed in, or a second factor is due */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json":
              | {
                  access_token: string;
                  /** @enum {string} */
                  token_type: "Bearer";
                  expires_in: number;
                  refresh_expires_in: number;
                  /** @description absent in cookie mode */
                  refresh_token?: string;
                }
              | {
                  /** @enum {boolean} */
                  mfa_required: true;
                  mfa_token: string;
                  methods: string[];
                };
          };
        };
        /** @description invalid_grant, invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_grant" | "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description account_disabled, email_not_verified */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "account_disabled" | "email_not_verified";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/identities": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The signed-in account's linked identities */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the identities, and whether the account has a password */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              password_set: boolean;
              identities: {
                /** Format: uuid */
                id: string;
                provider: string;
                /** @description the address the provider shared, if any */
                email: string | null;
                /** Format: date-time */
                created_at: string;
                /** Format: date-time */
                last_used_at: string;
              }[];
            };
          };
        };
        /** @description invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/identities/link": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start linking another provider to the signed-in account
     * @description Needs the password, or for an account without one an authentication within REAUTH_MAX_AGE_SECONDS (OWASP ASVS V6: re-authenticate before adding a way to sign in), and an RFC 7636 S256 `code_challenge`. Answers a URL for the browser to open: the authorize endpoint with a one-time `link_ticket`. The callback links nothing: it 303s to `redirect_uri` with a one-time `link_code`, which only this client completes (POST /v1/identities/link/complete, with its verifier and a Bearer token for this account), so a ticket opened in someone else's browser links nothing (RFC 9700 §4.7).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            provider: string;
            redirect_uri: string;
            state?: string;
            password?: string;
            /** @description RFC 7636 S256 challenge of a verifier the client keeps */
            code_challenge: string;
            /** @enum {string} */
            code_challenge_method: "S256";
          };
        };
      };
      responses: {
        /** @description the URL to open */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              authorization_url: string;
            };
          };
        };
        /** @description invalid_redirect_uri, invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_redirect_uri" | "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description invalid_credentials, invalid_token, reauthentication_required, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error:
                | "invalid_credentials"
                | "invalid_token"
                | "reauthentication_required"
                | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description unknown_provider */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unknown_provider";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/identities/link/complete": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Complete a link the provider confirmed
     * @description The `link_code` the callback sent to `redirect_uri`, once and within 60 s, with the verifier of the S256 challenge sent to POST /v1/identities/link, and a Bearer token for the same account. Unknown, expired, used, wrong-verifier and another account's codes all answer `invalid_grant`.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            /** @description the `link_code` the callback sent to `redirect_uri` */
            code: string;
            code_verifier: string;
          };
        };
      };
      responses: {
        /** @description linked (or it already was) */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              provider: string;
            };
          };
        };
        /** @description invalid_grant, invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_grant" | "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description identity_taken */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "identity_taken";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/identities/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Unlink one of the signed-in account's identities
     * @description A sensitive change: needs a recent authentication (RFC 9470). The account's only way to sign in cannot be unlinked.
     */
    delete: {
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
        /** @description unlinked */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description insufficient_user_authentication, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "insufficient_user_authentication" | "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description not_found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_found";
              error_description?: string;
            };
          };
        };
        /** @description last_sign_in_method */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "last_sign_in_method";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/passkeys/login/options": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start a passkey sign-in
     * @description Always a discoverable request (no credential ids, so conditional UI works), the same for every address: an `email` only binds the flow to that account, so that another account's passkey is refused.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            email?: string;
          };
        };
      };
      responses: {
        /** @description the ceremony */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @description single-use, 5 minutes */
              flow_id: string;
              options: {
                /** @description base64url */
                challenge: string;
                rpId: string;
                allowCredentials: {
                  /** @description base64url */
                  id: string;
                  /** @enum {string} */
                  type: "public-key";
                  transports?: string[];
                }[];
                timeout: number;
                /** @enum {string} */
                userVerification: "required" | "preferred" | "discouraged";
                extensions?: {
                  [key: string]: unknown;
                };
              };
            };
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/passkeys/login/verify": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sign in with a passkey
     * @description User verification is required, so a passkey is two factors in one: the tokens carry `amr` `["hwk"|"swk", "mfa"]` (RFC 8176) and no second step is asked. `token_transport: "cookie"` puts the refresh token in `__Host-refresh`.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            flow_id: string;
            response: {
              id: string;
              rawId: string;
              /** @enum {string} */
              type: "public-key";
              response: {
                clientDataJSON: string;
              } & {
                [key: string]: unknown;
              };
            } & {
              [key: string]: unknown;
            };
            /**
             * @default body
             * @enum {string}
             */
            token_transport?: "body" | "cookie";
          };
        };
      };
      responses: {
        /** @description signed in */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              access_token: string;
              /** @enum {string} */
              token_type: "Bearer";
              expires_in: number;
              refresh_expires_in: number;
              /** @description absent in cookie mode */
              refresh_token?: string;
            };
          };
        };
        /** @description invalid_flow, invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_flow" | "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description passkey_rejected */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "passkey_rejected";
              error_description?: string;
            };
          };
        };
        /** @description account_disabled, email_not_verified */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "account_disabled" | "email_not_verified";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/passkeys": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The signed-in account's passkeys */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the passkeys */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              passkeys: {
                /** Format: uuid */
                id: string;
                name: string;
                /** Format: date-time */
                created_at: string;
                /** Format: date-time */
                last_used_at: string | null;
                /** @enum {string} */
                device_type: "singleDevice" | "multiDevice";
                backed_up: boolean;
              }[];
            };
          };
        };
        /** @description invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/passkeys/register/options": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start registering a passkey
     * @description WebAuthn creation options: resident key required, user verification required, attestation `none`, the account's passkeys excluded. A passkey is a new way to sign in, so it needs a recent authentication (RFC 9470) and the account's password where it has one (OWASP ASVS V6): a token alone, however fresh, adds none.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            /** @description the account's password: required when it has one (a passkey is a new way in) */
            password?: string;
          };
        };
      };
      responses: {
        /** @description the ceremony */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @description single-use, 5 minutes */
              flow_id: string;
              options: {
                /** @description base64url */
                challenge: string;
                rp: {
                  name: string;
                  id: string;
                };
                user: {
                  /** @description the user handle: the account id's bytes, never the email */
                  id: string;
                  name: string;
                  displayName: string;
                };
                pubKeyCredParams: {
                  /** @description COSE */
                  alg: number;
                  /** @enum {string} */
                  type: "public-key";
                }[];
                timeout: number;
                /** @enum {string} */
                attestation: "none" | "indirect" | "direct" | "enterprise";
                /** @description the account's passkeys */
                excludeCredentials: {
                  /** @description base64url */
                  id: string;
                  /** @enum {string} */
                  type: "public-key";
                  transports?: string[];
                }[];
                authenticatorSelection: {
                  /** @enum {string} */
                  authenticatorAttachment?: "platform" | "cross-platform";
                  /** @enum {string} */
                  residentKey: "required" | "preferred" | "discouraged";
                  requireResidentKey: boolean;
                  /** @enum {string} */
                  userVerification: "required" | "preferred" | "discouraged";
                };
                extensions: {
                  credProps: boolean;
                };
                hints: string[];
              };
            };
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description insufficient_user_authentication, invalid_credentials, invalid_token, reauthentication_required, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error:
                | "insufficient_user_authentication"
                | "invalid_credentials"
                | "invalid_token"
                | "reauthentication_required"
                | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/passkeys/register/verify": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Finish registering a passkey
     * @description The authenticator's answer to the options of POST /v1/passkeys/register/options, checked for challenge, origin, RP ID and user verification (W3C WebAuthn §7.1).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            flow_id: string;
            response: {
              id: string;
              rawId: string;
              /** @enum {string} */
              type: "public-key";
              response: {
                clientDataJSON: string;
              } & {
                [key: string]: unknown;
              };
            } & {
              [key: string]: unknown;
            };
            name?: string;
          };
        };
      };
      responses: {
        /** @description registered */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** Format: uuid */
              id: string;
              name: string;
              /** Format: date-time */
              created_at: string;
              /** Format: date-time */
              last_used_at: string | null;
              /** @enum {string} */
              device_type: "singleDevice" | "multiDevice";
              backed_up: boolean;
            };
          };
        };
        /** @description invalid_flow, invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_flow" | "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description insufficient_user_authentication, invalid_token, passkey_rejected, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error:
                | "insufficient_user_authentication"
                | "invalid_token"
                | "passkey_rejected"
                | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description passkey_exists */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "passkey_exists";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/passkeys/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Remove one of the signed-in account's passkeys
     * @description Needs a recent authentication (RFC 9470).
     */
    delete: {
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
        /** @description removed */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description insufficient_user_authentication, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "insufficient_user_authentication" | "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description not_found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_found";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    /**
     * Rename one of the signed-in account's passkeys
     * @description Needs a recent authentication (RFC 9470).
     */
    patch: {
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
            name: string;
          };
        };
      };
      responses: {
        /** @description renamed */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description insufficient_user_authentication, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "insufficient_user_authentication" | "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description not_found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_found";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    trace?: never;
  };
  "/v1/admin/roles": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the roles and what they grant */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description every role */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              roles: {
                name: string;
                description: string;
                permissions: string[];
                built_in: boolean;
              }[];
            };
          };
        };
        /** @description invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "forbidden";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Create a role
     * @description A person (step-up, RFC 9470) may create only a role within their own grants; the admin key any.
     */
    post: {
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
            description: string;
            permissions: string[];
          };
        };
      };
      responses: {
        /** @description created */
        201: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              name: string;
            };
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description insufficient_user_authentication, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "insufficient_user_authentication" | "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "forbidden";
              error_description?: string;
            };
          };
        };
        /** @description role_exists */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "role_exists";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/users/{id}/roles": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The roles a user holds and the permissions they grant */
    get: {
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
        /** @description the user's grants */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              roles: string[];
              permissions: string[];
              /** @description how many times the user's roles changed (`roles_ver`) */
              version: number;
            };
          };
        };
        /** @description invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "forbidden";
              error_description?: string;
            };
          };
        };
        /** @description not_found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_found";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/users/{id}/roles/{role}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Give a user a role
     * @description Idempotent. A person (step-up, RFC 9470) may hand out only a role within their own grants. The user's live sessions name the new roles from their next refresh.
     */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          role: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the user holds the role */
        204: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description insufficient_user_authentication, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "insufficient_user_authentication" | "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "forbidden";
              error_description?: string;
            };
          };
        };
        /** @description not_found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_found";
              error_description?: string;
            };
          };
        };
        /** @description too_many_roles */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_roles";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    post?: never;
    /**
     * Take a role from a user
     * @description A person (step-up, RFC 9470) may take away only a role within their own grants; the last holder of `admin` keeps it. The user's live sessions name the remaining roles from their next refresh.
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          role: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the user no longer holds the role */
        204: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description insufficient_user_authentication, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "insufficient_user_authentication" | "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "forbidden";
              error_description?: string;
            };
          };
        };
        /** @description not_found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_found";
              error_description?: string;
            };
          };
        };
        /** @description last_admin */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "last_admin";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/login/mfa": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Finish a sign-in with its second factor
     * @description The second step of any sign-in that answered `{mfa_required: true, mfa_token}`: a TOTP `code` (RFC 6238), a `recovery_code`, or a contributed factor's proof under its own name (`passkey: {flow_id, response}`). The tokens go out as the first step asked (body or cookie); an `mfa_token` takes at most 5 tries and is spent by a success.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            mfa_token: string;
            code?: string;
            recovery_code?: string;
          } & {
            [key: string]: unknown;
          };
        };
      };
      responses: {
        /** @description signed in */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              access_token: string;
              /** @enum {string} */
              token_type: "Bearer";
              expires_in: number;
              refresh_expires_in: number;
              /** @description absent in cookie mode */
              refresh_token?: string;
            };
          };
        };
        /** @description invalid_flow, invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_flow" | "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description invalid_code, invalid_credentials, invalid_mfa_token, passkey_rejected */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error:
                | "invalid_code"
                | "invalid_credentials"
                | "invalid_mfa_token"
                | "passkey_rejected";
              error_description?: string;
            };
          };
        };
        /** @description account_disabled */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "account_disabled";
              error_description?: string;
            };
          };
        };
        /** @description mfa_not_enabled */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "mfa_not_enabled";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/mfa": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The signed-in account's second factor */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the TOTP authenticator's state and the recovery codes left */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              enabled: boolean;
              /** @enum {string} */
              totp: "none" | "pending" | "active";
              recovery_codes_remaining: number;
            };
          };
        };
        /** @description invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/mfa/totp/enroll": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start enrolling a TOTP authenticator
     * @description RFC 6238 (SHA-1, 6 digits, 30 s). The secret is shown only here; the authenticator stays pending until POST /v1/mfa/totp/confirm.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the pending authenticator's secret */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @description base32 */
              secret: string;
              /** @description for a QR code */
              otpauth_uri: string;
            };
          };
        };
        /** @description insufficient_user_authentication, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "insufficient_user_authentication" | "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description mfa_already_enabled */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "mfa_already_enabled";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/mfa/totp/confirm": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Activate the pending authenticator with a code
     * @description The confirming code's time step is spent. Answers the recovery codes, once.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            code: string;
          };
        };
      };
      responses: {
        /** @description active */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @description shown once; each works once */
              recovery_codes: string[];
            };
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description insufficient_user_authentication, invalid_code, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error:
                | "insufficient_user_authentication"
                | "invalid_code"
                | "invalid_token"
                | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description mfa_already_enabled, mfa_not_enrolled */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "mfa_already_enabled" | "mfa_not_enrolled";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/mfa/disable": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Turn the second factor off
     * @description Needs a recent authentication (RFC 9470) and, as well, the `password` or a `code` or `recovery_code`.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            password?: string;
            code?: string;
            recovery_code?: string;
          };
        };
      };
      responses: {
        /** @description the authenticator and the recovery codes are gone */
        204: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description insufficient_user_authentication, invalid_code, invalid_credentials, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error:
                | "insufficient_user_authentication"
                | "invalid_code"
                | "invalid_credentials"
                | "invalid_token"
                | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description mfa_not_enabled, password_not_set */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "mfa_not_enabled" | "password_not_set";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/mfa/recovery-codes": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Replace the recovery codes
     * @description Needs a recent authentication (RFC 9470) and, as well, the `password` or a `code` or `recovery_code`. The old codes stop working.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            password?: string;
            code?: string;
            recovery_code?: string;
          };
        };
      };
      responses: {
        /** @description the new codes */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @description shown once; each works once */
              recovery_codes: string[];
            };
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description insufficient_user_authentication, invalid_code, invalid_credentials, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error:
                | "insufficient_user_authentication"
                | "invalid_code"
                | "invalid_credentials"
                | "invalid_token"
                | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description mfa_not_enabled, password_not_set */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "mfa_not_enabled" | "password_not_set";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/mfa/step-up": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Step up: confirm a second factor to count as just authenticated
     * @description RFC 9470: with a `code` or `recovery_code`, the session's `auth_time` becomes now and its `amr` gains `otp` and `mfa`; refresh for an access token that says so.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            code?: string;
            recovery_code?: string;
          };
        };
      };
      responses: {
        /** @description the session's new authentication time */
        200: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @description seconds since the epoch */
              auth_time: number;
            };
          };
        };
        /** @description invalid_request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_request";
              error_description?: string;
            };
          };
        };
        /** @description invalid_code, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "invalid_code" | "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description mfa_not_enabled */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "mfa_not_enabled";
              error_description?: string;
            };
          };
        };
        /** @description payload_too_large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "payload_too_large";
              error_description?: string;
            };
          };
        };
        /** @description unsupported_media_type */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "unsupported_media_type";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/users/{id}/mfa": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Remove a user's second factor (support reset)
     * @description For a user who lost both the authenticator and the recovery codes: the admin key, or a person whose roles grant `mfa:reset` and who authenticated recently (RFC 9470). Audited with who acted.
     */
    delete: {
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
        /** @description the second factor is removed */
        204: {
          headers: {
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description insufficient_user_authentication, invalid_token, unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "insufficient_user_authentication" | "invalid_token" | "unauthorized";
              error_description?: string;
            };
          };
        };
        /** @description forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "forbidden";
              error_description?: string;
            };
          };
        };
        /** @description not_found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_found";
              error_description?: string;
            };
          };
        };
        /** @description mfa_not_enabled */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "mfa_not_enabled";
              error_description?: string;
            };
          };
        };
        /** @description too_many_requests */
        429: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            /** @description requests allowed in the window */
            "RateLimit-Limit"?: number;
            /** @description requests left in the window */
            "RateLimit-Remaining"?: number;
            /** @description seconds until the window resets */
            "RateLimit-Reset"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "too_many_requests";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/openapi.json": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** This document: OpenAPI 3.1 for every route */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the OpenAPI document */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              openapi: "3.1.0";
              paths: {
                [key: string]: unknown;
              };
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/docs": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The API reference page (and its script and style) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the page */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/html": string;
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/docs/reference.js": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The API reference page (and its script and style) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the page */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/html": string;
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/docs/reference.css": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The API reference page (and its script and style) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the page */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/html": string;
          };
        };
        /** @description not_configured */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "not_configured";
              error_description?: string;
            };
          };
        };
        /** @description server_misconfigured, temporarily_unavailable */
        503: {
          headers: {
            /** @description seconds to wait */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {string} */
              error: "server_misconfigured" | "temporarily_unavailable";
              error_description?: string;
            };
          };
        };
      };
    };
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
  schemas: never;
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
