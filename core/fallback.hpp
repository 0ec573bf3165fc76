#pragma once
// When no frame can be had, a picture that says why: an <img> or a cron folder still explains itself.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "error.hpp"

namespace ptzgrab {

struct CardSize {
    int width = 1280;
    int height = 720;
};

/// "ffmpeg is not installed", with what to do about it.
std::vector<uint8_t> ffmpeg_missing_card(const std::string& problem, CardSize size = {});

/// Masked URL, what failed, ffmpeg's last stderr line, and when. `masked_url` must be masked already.
std::vector<uint8_t> diagnostic_card(const std::string& masked_url, const Error& error,
                                     std::chrono::system_clock::time_point when, CardSize size = {});

/// ffmpeg_missing_card for that kind of error, diagnostic_card for the rest.
std::vector<uint8_t> card_for_error(const std::string& masked_url, const Error& error,
                                    std::chrono::system_clock::time_point when, CardSize size = {});

}  // namespace ptzgrab
