"""Seeds a fresh moto server before IAM enforcement is switched on.

Run by tools/infra with the moto venv's python (boto3 comes with moto). Reads S3C_AWS_ENDPOINT and
S3C_AWS_REGION, prints one JSON object on stdout (it contains secret keys: the caller stores it in the
0600 env file and never logs it).

Creates:
  - local-admin: IAM user allowed everything, the credentials for scripts and people;
  - ods-platform: the platform's own identity (the principal customers trust in their role trust
    policy), allowed only to call STS and to use KMS for envelope encryption;
  - a symmetric KMS key with alias alias/s3c-credential-broker (the credential broker's KMS key provider).
"""

import json
import os

import boto3

ADMIN_USER = "local-admin"
PLATFORM_USER = "ods-platform"
KMS_ALIAS = "alias/s3c-credential-broker"

ADMIN_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}],
}

PLATFORM_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AssumeCustomerRoles", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
        {"Sid": "WhoAmI", "Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"},
        {
            "Sid": "EnvelopeEncryption",
            "Effect": "Allow",
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
        },
    ],
}


def create_user(iam, name, policy_name, policy):
    user = iam.create_user(UserName=name)["User"]
    iam.put_user_policy(UserName=name, PolicyName=policy_name, PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {
        "userName": name,
        "arn": user["Arn"],
        "accessKeyId": key["AccessKeyId"],
        "secretAccessKey": key["SecretAccessKey"],
    }


def main():
    endpoint = os.environ["S3C_AWS_ENDPOINT"]
    region = os.environ["S3C_AWS_REGION"]
    # Any key is accepted while enforcement is off; explicit values keep the caller's AWS profile out of it.
    session = boto3.session.Session(
        aws_access_key_id="seed", aws_secret_access_key="seed", region_name=region
    )
    iam = session.client("iam", endpoint_url=endpoint)
    kms = session.client("kms", endpoint_url=endpoint)

    admin = create_user(iam, ADMIN_USER, "local-admin-everything", ADMIN_POLICY)
    platform = create_user(iam, PLATFORM_USER, "ods-platform-sts-and-kms", PLATFORM_POLICY)

    key = kms.create_key(
        Description="s3c credential broker key-encryption key (local)",
        KeyUsage="ENCRYPT_DECRYPT",
        KeySpec="SYMMETRIC_DEFAULT",
    )["KeyMetadata"]
    kms.create_alias(AliasName=KMS_ALIAS, TargetKeyId=key["KeyId"])

    print(
        json.dumps(
            {
                "accountId": platform["arn"].split(":")[4],
                "admin": admin,
                "platform": platform,
                "kms": {"keyId": key["KeyId"], "keyArn": key["Arn"], "alias": KMS_ALIAS},
            }
        )
    )


if __name__ == "__main__":
    main()
