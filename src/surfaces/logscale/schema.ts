/**
 * The LogScale subset sessiond serves, schema first: LogScale's type, field, argument and enum
 * names (library.humio.com GraphQL reference), restricted to what sessiond's sessions, users and
 * policy can answer truthfully.
 */
export const schema = /* GraphQL */ `
"""
A whole number from -(2^53 - 1) to 2^53 - 1: milliseconds, and times in milliseconds since the epoch.
JSON numbers are exact in that range; fractions, strings and larger values are refused.
"""
scalar Long

type Query {
  """
  The caller's organization: its own for an organization-scoped credential, \`default\` for an
  instance-wide one. Needs session_config:read for name, createdAt and configs.
  """
  organization: Organization!

  """
  Sessions of the caller's organization, filtered, sorted and paged. Needs sessions:read;
  user names (the user field, searchFilter, sortBy: User) also need users:read.
  """
  sessions(
    "Case-insensitive text matched against the user name, display name and IP addresses."
    searchFilter: String
    "Organization: every user session of the organization. User: the caller's own (API credentials have none)."
    level: Sessions__Filter_Level = Organization
    sortBy: Sessions__SortBy = LastActivityTime
    orderBy: OrderBy = ASC
    "How many matching sessions to skip (0 or more)."
    skip: Int = 0
    "How many sessions to return (0 to 1000)."
    limit: Int = 50
    "Only sessions the current policy considers active."
    onlyActiveSessions: Boolean = true
  ): SessionQueryResultSet!
}

type Mutation {
  """
  Sets the session timeouts of the caller's scope (the instance policy for an instance-wide
  credential, its organization's override for an organization-scoped one). Needs session_config:write.
  """
  updateSessionSettings(input: SessionInput!): Organization!

  """
  Ends sessions: one (Session), every session of a user (User: the id of the user or of one of
  their sessions), or every user session of an organization (Organization: the organization's id).
  Needs sessions:write. Answers true.
  """
  revokeSession(input: RevokeSessionInput!): Boolean
}

"Session timeouts in milliseconds; each must be a whole number of seconds."
input SessionInput {
  "Maximum inactivity in ms: 0 turns the inactivity timeout off, else 1000 to 315360000000 (10 years)."
  maxInactivityPeriod: Long!
  "Absolute session lifetime in ms: 1000 to 315360000000 (10 years)."
  forceReauthenticationAfter: Long!
}

input RevokeSessionInput {
  id: String!
  revocationType: SessionRevocation__Type!
}

enum SessionRevocation__Type {
  Organization
  Session
  User
}

enum Sessions__Filter_Level {
  Organization
  User
}

enum Sessions__SortBy {
  ClientInfo
  IPAddress
  LastActivityTime
  Location
  LoginTime
  User
}

enum OrderBy {
  ASC
  DESC
}

type Organization {
  id: String!
  name: String!
  "When the organization was created, in ms since the epoch."
  createdAt: Long
  configs: OrganizationConfigs!
}

type OrganizationConfigs {
  session: OrganizationSession!
}

type OrganizationSession {
  "ms; 0 means no inactivity timeout."
  maxInactivityPeriod: Long!
  "ms"
  forceReauthenticationAfter: Long!
}

type SessionQueryResultSet {
  "How many sessions match (before skip and limit)."
  totalResults: Int!
  results: [Session!]!
}

type Session {
  id: String!
  user: User!
  "The client's IP address when the session was created (empty when not recorded)."
  ip: String!
  country: String
  city: String
  "Browser and operating system from the user agent (empty when not recorded)."
  clientInfo: String!
  "ms since the epoch"
  createdAt: Long
  "ms since the epoch"
  lastActivityAt: Long
  "Whether the caller authenticated with this very session."
  isCurrentSession: Boolean!
}

type User {
  id: String!
  username: String!
  displayName: String
}
`;
