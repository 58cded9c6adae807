#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the repository's own fixtures, so each fuzzer starts from
# realistic input instead of discovering YAML or HTTP from nothing. Idempotent: files are named
# by content hash, so rerunning adds nothing twice. The corpus is not committed (.gitignore).
set -euo pipefail

cd "$(dirname "$0")"
fx=../tests/fixtures
corpus=corpus

# add TARGET FILE [PREFIX]: copies FILE into the target's corpus under its content hash, with
# PREFIX (printf syntax) first for targets that read a selector byte before the text.
add() {
  local target=$1 file=$2 prefix=${3:-}
  local dir=$corpus/$target tmp
  mkdir -p "$dir"
  tmp=$(mktemp)
  { if [ -n "$prefix" ]; then printf "$prefix"; fi; cat "$file"; } >"$tmp"
  mv "$tmp" "$dir/$(sha1sum <"$tmp" | cut -c1-40)"
}

files() { find "$fx" -type f "$@" -size -64k; }

files -name '*.md' | while read -r f; do add checklist_markdown "$f"; add file_refs "$f"; done

files \( -iname '*compose*.yml' -o -iname '*compose*.yaml' \) | while read -r f; do
  add compose "$f"
done

files -name '*.py' | while read -r f; do add contract_sources "$f" '\x00'; done
files -name '*.js' | while read -r f; do add contract_sources "$f" '\x01'; done
files \( -name '*.ts' -o -name '*.tsx' \) | while read -r f; do add contract_sources "$f" '\x02'; done
files -name '*.go' | while read -r f; do add contract_sources "$f" '\x03'; done
files -name '*.rs' | while read -r f; do add contract_sources "$f" '\x04'; done

files \( -name 'Dockerfile*' -o -name '*.Dockerfile' -o -name 'Containerfile' \) | while read -r f; do
  add dockerfile "$f"
done

files \( -name '.env*' -o -name '*.env' \) | while read -r f; do add env_file "$f"; done

files \( -name '*.sh' -o -name 'Makefile' -o -name 'package.json' \) | while read -r f; do
  add file_refs "$f"
done

files -name '*.toml' | while read -r f; do add golive_toml "$f"; done

# helm_render reads "values\n---values---\ntemplate"; pair each chart's values with its templates.
find "$fx" -type d -name templates | while read -r t; do
  chart=$(dirname "$t")
  values=$chart/values.yaml
  find "$t" -type f -size -64k | while read -r tpl; do
    add helm_render "$tpl"
    if [ -f "$values" ]; then
      tmp=$(mktemp)
      { cat "$values"; printf '\n---values---\n'; cat "$tpl"; } >"$tmp"
      add helm_render "$tmp"
      rm -f "$tmp"
    fi
  done
done

files \( -name '*.yml' -o -name '*.yaml' \) | while read -r f; do
  add yaml_tree "$f"
  add yaml_fast_path "$f"
  if grep -q 'groups:' "$f"; then add prometheus_rules "$f"; fi
done

# Secrets scanner: every kind of text it meets in a repository.
files \( -name '*.py' -o -name '*.ts' -o -name '*.go' -o -name '*.yml' -o -name '*.yaml' \
  -o -name '.env*' -o -name '*.toml' -o -name '*.pem' -o -name '*.key' -o -name '*.json' \) |
  while read -r f; do add secrets_scan "$f"; done

# load_wire: one step byte (how the body is split), then a server's response.
wire() {
  local tmp
  tmp=$(mktemp)
  printf "$1" >"$tmp"
  add load_wire "$tmp"
  rm -f "$tmp"
}
wire '\x07HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'
wire '\x03HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n'
wire '\x01HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nbody until close'
wire '\x10HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n'
wire '\x02HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n'


# Only one chart among the fixtures: add the template constructs the approximation handles.
tpl() {
  local tmp
  tmp=$(mktemp)
  printf '%s' "$1" >"$tmp"
  add helm_render "$tmp"
  rm -f "$tmp"
}
tpl 'image:
  repository: app
  tag: ""
replicas: 2
env:
  LOG_LEVEL: info
---values---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "c.fullname" . }}
  labels: {{- include "c.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicas | default 1 }}
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          {{- if and .Values.env (not .Values.disabled) }}
          env:
            {{- range $k, $v := .Values.env }}
            - name: {{ $k | upper | quote }}
              value: {{ $v | quote }}
            {{- end }}
          {{- else }}
          env: []
          {{- end }}
          {{- with .Values.resources }}
          resources: {{- toYaml . | nindent 12 }}
          {{- end }}
'
tpl '{{- define "c.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{/* a comment */}}
{{- if or .Values.a .Values.b }}
a: {{ .Values.a | default "x" | indent 2 }}
{{- end }}
'

for d in "$corpus"/*/; do
  printf '%-20s %5d inputs\n' "$(basename "$d")" "$(find "$d" -type f | wc -l)"
done
