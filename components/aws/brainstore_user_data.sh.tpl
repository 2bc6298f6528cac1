#!/bin/bash
# Brainstore node bootstrap (Amazon Linux 2023), rendered by components/aws/brainstore.py.
#
# Only the block of settings right below is rendered; the rest is plain bash. It contains no secret
# values: the database, Redis, service-token and license secrets are read from Secrets Manager with
# the instance role. Any failure stops the bootstrap (set -e), so a node without its NVMe cache or its
# configuration never starts Brainstore; its load balancer health check then fails and Auto Scaling
# replaces it.
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
dnf install -y -q mdadm docker
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

# ---- 2. Container runtime and image ----
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

# ---- 4. Brainstore as a systemd unit that needs the cache mount ----
imds_token=$(curl -sf -X PUT http://169.254.169.254/latest/api/token \
  -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
instance_id=$(curl -sf -H "X-aws-ec2-metadata-token: ${imds_token}" \
  http://169.254.169.254/latest/meta-data/instance-id)
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
  --volume ${CACHE_DIR}:${CACHE_DIR} \
  --log-driver awslogs --log-opt awslogs-region=${REGION} --log-opt awslogs-group=${LOG_GROUP} \
  --log-opt awslogs-stream=${instance_id}/${ROLE} \
  ${IMAGE} web
ExecStop=/usr/bin/docker stop brainstore

[Install]
WantedBy=multi-user.target
EOF
systemctl daemon-reload
systemctl enable --now brainstore.service
echo "Brainstore ${ROLE} node of ${DEPLOYMENT} started"
