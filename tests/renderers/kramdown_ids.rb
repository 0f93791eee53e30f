# Heading ids as real kramdown gives them (Debian ruby-kramdown + ruby-kramdown-parser-gfm).
# usage: ruby kramdown_ids.rb jekyll|kramdown FILE...  -> one JSON line per file:
#        [[level, id, text], ...] in document order (text: the heading's text content).
# Input files are given as the product reads them (front matter already blanked by the caller).
require 'kramdown'
require 'kramdown-parser-gfm'
require 'json'
require 'cgi'

# Jekyll's kramdown defaults (lib/jekyll/configuration.rb, DEFAULTS["kramdown"]).
JEKYLL = {
  input: 'GFM', auto_ids: true, toc_levels: (1..6).to_a, entity_output: 'as_char',
  smart_quotes: 'lsquo,rsquo,ldquo,rdquo', hard_wrap: false, footnote_nr: 1, show_warnings: false,
}.freeze
PLAIN = { input: 'kramdown', auto_ids: true }.freeze

options = ARGV.shift == 'jekyll' ? JEKYLL : PLAIN
ARGV.each do |path|
  html = Kramdown::Document.new(File.read(path, encoding: 'UTF-8'), options).to_html
  heads = html.scan(%r{<h([1-6])(?: id="([^"]*)")?[^>]*>(.*?)</h\1>}m).map do |level, id, inner|
    [level.to_i, CGI.unescapeHTML(id || ''), CGI.unescapeHTML(inner.gsub(/<[^>]*>/, ''))]
  end
  puts JSON.generate(heads)
end
