#pragma once
// The database side of a user's alerting state: notification settings,
// tracked companies and alert rules, and the transactional outbox that
// carries the whole state to the user-preferences topic. Every function
// takes the caller's user id from the access token and filters by it.
#include <optional>
#include <string>

#include "preferences.hpp"
#include "stocktracker/base/error.hpp"
#include "stocktracker/base/strong_id.hpp"
#include "stocktracker/model/alert_messages.hpp"
#include "stocktracker/pg/connection.hpp"

namespace st::api {

/// Locks the user's row (FOR UPDATE) for the rest of the transaction, so
/// two changes of one user commit one after the other and each outbox row
/// is built from the state its own change left; kNotFound when the user no
/// longer exists.
Status lock_user(pg::Connection& conn, UserId user);

/// The user's settings; the column defaults when the user has no row yet.
Result<NotificationSettings> load_settings(pg::Connection& conn, UserId user);
Status save_settings(pg::Connection& conn, UserId user, const NotificationSettings& settings);

/// The user's complete alerting state as the database holds it now.
Result<model::UserPreferences> load_user_preferences(pg::Connection& conn, UserId user);

/// Inserts the user's current state into the outbox (topic user-preferences,
/// key = user id). Call inside the transaction that made the change, after
/// lock_user and after the change itself.
Status enqueue_preferences(pg::Connection& conn, UserId user);

/// The JSON of a users row for API answers, from the columns
/// id, email, display_name, role, email_verified, created_at (epoch ms).
inline constexpr std::string_view kUserColumns =
    "id, email, display_name, role, email_verified, (extract(epoch FROM created_at) * 1000)::bigint";
std::string user_json(const pg::Rows& rows, int row);
/// user_json of the user, or nullopt when the user no longer exists.
Result<std::optional<std::string>> find_user_json(pg::Connection& conn, UserId user);

}  // namespace st::api
