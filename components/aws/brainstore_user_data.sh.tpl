#!/bin/bash
# Brainstore node bootstrap (Amazon Linux 2023), rendered by components/aws/brainstore.py.
#
# Only the block of settings right below is rendered; the rest is plain bash. It contains no secret
# values: the database, Redis, service-token and license secrets are read from Secrets Manager with
# the instance role. Any failure stops the bootstrap (set -e), so a node without its NVMe cache or its
# configuration never starts Brainstore; its load balancer health check then fails and Auto Scaling
# replaces it.
#
# As upstream's nodes (terraform-aws-braintrust-data-plane modules/brainstore-ec2 user_data.sh.tpl): Docker's
# json-file logs rotate (100 MB x 3), the CloudWatch agent ships the container logs to the deployment's
# CMK-encrypted log group and publishes memory (renamed MemoryUtilization) and root-disk use, and an OOM
# guard keeps memory for the host: Brainstore runs under a memory limit that leaves a reserve for the agent,
# Docker and SSM, so the kernel kills (and systemd restarts) Brainstore rather than starve the node.
set -euo pipefail

# ---- rendered settings ----
readonly DEPLOYMENT="@@DEPLOYMENT@@"
readonly ROLE="@@ROLE@@"
readonly REGION="@@REGION@@"
readonly IMAGE="public.ecr.aws/braintrust/brainstore:@@IMAGE_TAG@@"
readonly CACHE_SIZE="@@CACHE_SIZE@@"
readonly READER_ONLY="@@READER_ONLY@@"
readonly TELEMETRY="@@TELEMETRY@@"
readonly BRAINSTORE_BUCKET="@@BRAINSTORE_BUCKET@@"
readonly RESPONSES_BUCKET="@@RESPONSES_BUCKET@@"
readonly CODE_BUNDLES_BUCKET="@@CODE_BUNDLES_BUCKET@@"
readonly DATABASE_URL_SECRET_ARN="@@DATABASE_URL_SECRET_ARN@@"
readonly REDIS_SECRET_ARN="@@REDIS_SECRET_ARN@@"
readonly SERVICE_TOKEN_SECRET_ARN="@@SERVICE_TOKEN_SECRET_ARN@@"
readonly LICENSE_SECRET_ARN="@@LICENSE_SECRET_ARN@@"
readonly AI_PROXY_URL_PARAMETER="@@AI_PROXY_URL_PARAMETER@@"
readonly LOG_GROUP="@@LOG_GROUP@@"
readonly -a EXTRA_SETTINGS=(@@EXTRA_SETTINGS@@)
# ---- end of rendered settings ----

readonly CACHE_DIR=/mnt/brainstore
readonly PORT=4000
export AWS_DEFAULT_REGION="$REGION"
exec > >(tee -a /var/log/brainstore-bootstrap.log) 2>&1
echo "bootstrapping Brainstore ${ROLE} node of ${DEPLOYMENT}"

fail() {
  echo "brainstore bootstrap FAILED: $*" >&2
  exit 1
}

# ---- 1. Local NVMe instance storage -> RAID0 -> the object-store cache (required) ----
mapfile -t devices < <(lsblk --nodeps --paths --noheadings --output NAME,MODEL \
  | awk '/Amazon EC2 NVMe Instance Storage/ {print $1}')
if [ "${#devices[@]}" -eq 0 ]; then
  fail "no local NVMe instance storage: Brainstore needs an instance type with NVMe (e.g. c8gd)"
fi
dnf install -y -q mdadm docker amazon-cloudwatch-agent
if [ "${#devices[@]}" -gt 1 ]; then
  mdadm --create /dev/md0 --run --level=0 --raid-devices="${#devices[@]}" "${devices[@]}"
  mdadm --detail --scan > /etc/mdadm.conf
  udevadm settle
  device=/dev/md0
else
  device="${devices[0]}"
fi
# Instance storage is blank at first boot: skip the discard pass, it only slows mkfs down.
mkfs.ext4 -F -q -E nodiscard "$device"
mkdir -p "$CACHE_DIR"
uuid=$(blkid -s UUID -o value "$device")
# nofail: after a stop/start the instance storage is gone; the unit below then refuses to start.
echo "UUID=${uuid} ${CACHE_DIR} ext4 defaults,noatime,nofail 0 2" >> /etc/fstab
mount "$CACHE_DIR"
mountpoint -q "$CACHE_DIR" || fail "the cache file system is not mounted at ${CACHE_DIR}"

# ---- 2. Container runtime (rotated json-file logs) and image ----
mkdir -p /etc/docker
cat > /etc/docker/daemon.json << 'JSON'
{
  "log-driver": "json-file",
  "log-opts": {
    "max-size": "100m",
    "max-file": "3"
  }
}
JSON
systemctl enable --now docker
docker pull "$IMAGE"
image_user=$(docker image inspect --format '{{.Config.User}}' "$IMAGE")
image_uid="${image_user%%:*}"
case "$image_uid" in
  "" | root | 0) chmod 0700 "$CACHE_DIR" ;;
  *[!0-9]*) chmod 0777 "$CACHE_DIR" ;; # a user name: its uid exists only inside the image
  *) chown "$image_uid" "$CACHE_DIR" && chmod 0700 "$CACHE_DIR" ;;
esac

# ---- 3. Secrets (instance role) and the settings file (root only) ----
secret() {
  aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text
}
# postgres://...?sslmode=require (and the server refuses plaintext: rds.force_ssl=1)
pg_url=$(secret "$DATABASE_URL_SECRET_ARN") || fail "cannot read the database URL secret"
redis_url=$(secret "$REDIS_SECRET_ARN") || fail "cannot read the Redis secret"
service_token=$(secret "$SERVICE_TOKEN_SECRET_ARN") || fail "cannot read the service token secret"
license_key=$(secret "$LICENSE_SECRET_ARN") || fail "cannot read the license key secret"

# The API publishes its URL once its functions exist; on a first deployment that may be after boot.
ai_proxy_url=""
for _ in $(seq 1 60); do
  if ai_proxy_url=$(aws ssm get-parameter --name "$AI_PROXY_URL_PARAMETER" \
    --query Parameter.Value --output text 2> /dev/null) && [ -n "$ai_proxy_url" ]; then
    break
  fi
  sleep 10
done
[ -n "$ai_proxy_url" ] || fail "parameter ${AI_PROXY_URL_PARAMETER} did not appear within 10 minutes"

umask 077
cat > /etc/brainstore.env << EOF
BRAINSTORE_VERBOSE=1
BRAINSTORE_PORT=${PORT}
BRAINSTORE_INDEX_URI=s3://${BRAINSTORE_BUCKET}/brainstore/index
BRAINSTORE_REALTIME_WAL_URI=s3://${BRAINSTORE_BUCKET}/brainstore/wal
BRAINSTORE_LOCKS_URI=s3://${BRAINSTORE_BUCKET}/locks
BRAINSTORE_METADATA_URI=${pg_url}
BRAINSTORE_WAL_URI=${pg_url}
BRAINSTORE_CACHE_DIR=${CACHE_DIR}
BRAINSTORE_OBJECT_STORE_CACHE_FILE_SIZE=${CACHE_SIZE}
BRAINSTORE_RESPONSE_CACHE_URI=s3://${RESPONSES_BUCKET}/brainstore-cache
BRAINSTORE_CODE_BUNDLE_URI=s3://${CODE_BUNDLES_BUCKET}
BRAINSTORE_READER_ONLY_MODE=${READER_ONLY}
BRAINSTORE_CONTROL_PLANE_TELEMETRY=${TELEMETRY}
BRAINSTORE_REDIS_URI=${redis_url}
BRAINSTORE_XACT_MANAGER_URI=${redis_url}
BRAINSTORE_AI_PROXY_URL=${ai_proxy_url}
BRAINSTORE_LICENSE_KEY=${license_key}
SERVICE_TOKEN_SECRET_KEY=${service_token}
AWS_REGION=${REGION}
AWS_DEFAULT_REGION=${REGION}
NO_COLOR=1
EOF
if [ "${#EXTRA_SETTINGS[@]}" -gt 0 ]; then
  printf '%s\n' "${EXTRA_SETTINGS[@]}" >> /etc/brainstore.env
fi
umask 022

# ---- 4. CloudWatch agent: container, bootstrap and agent logs; memory and root-disk metrics ----
readonly AGENT_CONFIG=/opt/aws/amazon-cloudwatch-agent/etc/brainstore.json
cat > "$AGENT_CONFIG" << JSON
{
  "agent": {
    "metrics_collection_interval": 60,
    "logfile": "/opt/aws/amazon-cloudwatch-agent/logs/amazon-cloudwatch-agent.log"
  },
  "logs": {
    "force_flush_interval": 5,
    "logs_collected": {
      "files": {
        "collect_list": [
          {"file_path": "/var/lib/docker/containers/*/*.log", "log_group_name": "${LOG_GROUP}",
           "log_stream_name": "{instance_id}/${ROLE}", "timezone": "UTC"},
          {"file_path": "/var/log/brainstore-bootstrap.log", "log_group_name": "${LOG_GROUP}",
           "log_stream_name": "{instance_id}/bootstrap", "timezone": "UTC"},
          {"file_path": "/opt/aws/amazon-cloudwatch-agent/logs/amazon-cloudwatch-agent.log",
           "log_group_name": "${LOG_GROUP}", "log_stream_name": "{instance_id}/cloudwatch-agent", "timezone": "UTC"}
        ]
      }
    }
  },
  "metrics": {
    "namespace": "CWAgent",
    "append_dimensions": {"InstanceId": "\${aws:InstanceId}", "AutoScalingGroupName": "\${aws:AutoScalingGroupName}"},
    "aggregation_dimensions": [["AutoScalingGroupName"], ["InstanceId"]],
    "metrics_collected": {
      "mem": {
        "measurement": [{"name": "mem_used_percent", "rename": "MemoryUtilization", "unit": "Percent"}],
        "metrics_collection_interval": 60
      },
      "disk": {
        "measurement": [{"name": "used_percent", "unit": "Percent"}],
        "resources": ["/"],
        "drop_device": true,
        "metrics_collection_interval": 60
      }
    }
  }
}
JSON
mkdir -p /etc/systemd/system/amazon-cloudwatch-agent.service.d
printf '[Service]\nRestart=always\nRestartSec=10\n' > /etc/systemd/system/amazon-cloudwatch-agent.service.d/restart.conf
systemctl daemon-reload
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c "file:${AGENT_CONFIG}"
systemctl enable amazon-cloudwatch-agent

# ---- 5. OOM guard: Brainstore may use all memory but a reserve for the host (agent, Docker, SSM) ----
mem_total_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
reserve_kb=$((mem_total_kb / 20))
[ "$reserve_kb" -ge 1048576 ] || reserve_kb=1048576
readonly BRAINSTORE_MEMORY="$((mem_total_kb - reserve_kb))k"

# ---- 6. Brainstore as a systemd unit that needs the cache mount ----
cat > /etc/systemd/system/brainstore.service << EOF
[Unit]
Description=Brainstore ${ROLE}
Requires=docker.service
After=docker.service network-online.target
Wants=network-online.target
RequiresMountsFor=${CACHE_DIR}

[Service]
Restart=always
RestartSec=5
ExecStartPre=-/usr/bin/docker rm -f brainstore
ExecStart=/usr/bin/docker run --rm --name brainstore --init --network host \
  --env-file /etc/brainstore.env --ulimit nofile=65535:65535 \
  --memory ${BRAINSTORE_MEMORY} --memory-swap ${BRAINSTORE_MEMORY} \
  --volume ${CACHE_DIR}:${CACHE_DIR} \
  ${IMAGE} web
ExecStop=/usr/bin/docker stop brainstore

[Install]
WantedBy=multi-user.target
EOF
systemctl daemon-reload
systemctl enable --now brainstore.service
echo "Brainstore ${ROLE} node of ${DEPLOYMENT} started"
