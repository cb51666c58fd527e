#pragma once
// Branch names as people type them, matched to the branches on record: the mapping of the old
// free-text `org` onto branches (sharedhall map-orgs). Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "booking/alliance.hpp"

namespace sh::booking {

// The form two spellings of one branch share: full-width letters, digits and brackets as
// half-width, no spaces, ASCII in lower case, Chinese numbers as digits (第十二 -> 12, 第 dropped
// before a number), the prefix 中共/中国共产党 and the suffix 党支部/支部/党总支/总支 (with or
// without 委员会) dropped.
std::string normalise_branch_name(std::string_view name);

enum class Match { exact, normalised, ambiguous, none };
struct BranchMatch {
    Match how = Match::none;
    std::optional<Branch> branch;  // exact or normalised
};
// `org` against the street's branches: its exact name first, then the one branch whose
// normalised name is the same (two or more: ambiguous, for a person to decide).
BranchMatch match_branch(std::string_view org, const std::vector<Branch>& branches);

}  // namespace sh::booking
