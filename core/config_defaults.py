"""The commented settings file written on first run. Every key here is checked by ``core.config``."""

from __future__ import annotations

DEFAULT_CONFIG_TEXT = """\
# AI Image Studio settings. Edit freely: the app keeps your comments and layout.
# API keys are NOT kept here; they live in your OS keyring ('python main.py keys set openai').
# Check this file with: python main.py config check

# Provider used by the capture hotkey when the preset does not name one:
# any id that 'python main.py providers' lists (openai, google, ideogram, photoroom, bfl, openrouter, xai, ...).
default_provider: openai

# Per-provider settings. base_url must be https, except for servers on this computer (localhost).
# timeout: seconds to wait for a whole answer; connect_timeout: seconds to reach the server.
# Models: 'python main.py models openai' lists what your key can use. gpt-image-2.6-sunburst is the
# precise-edit choice for OpenAI, gemini-3-pro-image the quality choice for Google.
providers:
  openai:    {model: gpt-image-2.6-flare, base_url: "https://api.openai.com/v1", timeout: 180}
  google:    {model: gemini-nano-banana-2.1, base_url: "https://generativelanguage.googleapis.com/v1beta"}
  ideogram:  {base_url: "https://api.ideogram.ai"}
  photoroom: {base_url: "https://sdk.photoroom.com"}
  # Also built in, on their defaults until you add a line (uncomment to change one):
  # bfl:        {model: flux-2-pro, base_url: "https://api.bfl.ai"}    # Black Forest Labs FLUX.2 / Kontext
  # openrouter: {model: black-forest-labs/flux.2-pro, base_url: "https://openrouter.ai"}  # 'models openrouter'
  # xai:        {model: grok-imagine-image, base_url: "https://api.x.ai"}
  # A self-hosted server that speaks OpenAI's image API (LocalAI, LiteLLM, ...).
  openai-compatible: {model: gpt-image-2.6-flare, base_url: "http://localhost:8080/v1"}

# Global hotkeys, in pynput's notation. null turns one off. They are taken from every other program,
# so the defaults use Print Screen, which no browser, editor or terminal binds (docs/adr/015).
# last_result opens the last result over where it came from, to compare and pick (docs/adr/028).
hotkeys:
  capture: "<ctrl>+<print_screen>"
  clipboard: "<ctrl>+<shift>+<print_screen>"
  last_result: "<ctrl>+<shift>+<alt>+<print_screen>"

# Presets: what happens to a selected region. provider 'none' copies or saves it as it is.
# mode: the provider's mode (see 'python main.py providers'); options: that provider's options.
# paint: required (Enter waits until you paint the area to change), optional (default) or off.
presets:
  - {name: copy, provider: none}
  - {name: restyle, provider: openai, mode: edit, prompt: "Redraw this as a watercolor", hotkey: null}
  - {name: remove background, provider: photoroom, mode: remove-background}

# Where results go. mode: clipboard, save or both. Placeholders for pattern:
# {date} {time} {preset} {provider} {mode} {width} {height}. format: png, jpeg or webp.
# match_size scales an edited result back to the size of the region you selected.
output: {mode: clipboard, folder: "~/Pictures/AI Image Studio", pattern: "{date}_{time}_{preset}", format: png}

# Nothing is remembered between jobs unless you turn history on. With history: true each finished
# job (crop, mask, prompt, results) is kept in the app's state folder (see the README), the oldest
# removed once the history passes history_max_mb megabytes. Tray > History shows it and clears it.
privacy: {history: false, history_max_mb: 500}

# How many provider jobs may run at once, whether PhotoRoom removes the background afterwards, and
# whether a masked edit keeps the original's pixels outside the mask (providers repaint them).
jobs: {max_concurrent: 2, remove_background_after: false, keep_unmasked: true}

# Prices, in US dollars, for the estimate in the prompt bar and the figure after a job. The app knows
# OpenAI's (with their date and source); entries here win. Figures are estimates, not your bill.
# For example (made-up amounts: put in what your provider charges you):
# costs:
#   - {provider: openai, model: gpt-image-2.6-flare, size: 1024x1024, quality: low, per_image: 0.01}
#   - {provider: openai, model: gpt-image-2.6-flare,
#      per_million_tokens: {text_input: 5, image_input: 8, image_output: 30}}
"""
